package dev.carryon.server.upload;

/**
 * The request that writes to an upload, as the upload engine sees it: no transport type, only what the engine
 * asks of it. The transport implements it (for Netty: the request's channel and event loop).
 */
public interface Writer {

    /** Whether the request's connection is still there. */
    boolean connected();

    /** Runs a task on the request's own thread, where its body is handled. */
    void execute(Runnable task);

    /** Ends the request: its connection is closed (a newer request took over). */
    void end();
}
