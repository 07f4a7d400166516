package dev.carryon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on loopback that holds what clients send to a rate (all connections together), so that a browser
 * upload takes long enough to be cut half way; chromium's own network emulation does not slow request bodies.
 * The target port can change (a server restarted elsewhere) while clients keep the proxy's origin.
 */
final class ThrottleProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile int targetPort;
    private volatile long upBytesPerSecond;
    private volatile boolean refusing;
    private long nextFreeNanos = System.nanoTime();

    ThrottleProxy(int targetPort, long upBytesPerSecond) {
        this.targetPort = targetPort;
        this.upBytesPerSecond = upBytesPerSecond;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "throttle-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void target(int port) {
        targetPort = port;
    }

    /** Bytes per second from clients to the target; 0 for no limit. */
    void rate(long upBytesPerSecond) {
        this.upBytesPerSecond = upBytesPerSecond;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(client);
            if (refusing) {
                close(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
            } catch (IOException e) {
                close(client);
                close(upstream);
                continue; // the server is down: the client sees the connection closed
            }
            sockets.add(upstream);
            pump(client, upstream, true);
            pump(upstream, client, false);
        }
    }

    private void pump(Socket from, Socket to, boolean throttled) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (throttled) {
                        hold(n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // one side is gone: so is the other
            } finally {
                close(from);
                close(to);
            }
        }, throttled ? "throttle-proxy-up" : "throttle-proxy-down");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until {@code n} more bytes fit the rate. */
    private void hold(int n) {
        long rate = upBytesPerSecond;
        if (rate <= 0) {
            return;
        }
        long start;
        synchronized (this) {
            long now = System.nanoTime();
            start = Math.max(now, nextFreeNanos);
            nextFreeNanos = start + TimeUnit.SECONDS.toNanos(n) / rate;
        }
        long wait;
        while ((wait = start - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** While true, new connections are closed at once, as if the server were down. */
    void refuse(boolean refuse) {
        refusing = refuse;
    }

    /** Cuts every relayed connection (the listener stays). */
    void cutAll() {
        for (Socket s : sockets) {
            close(s);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closed
        }
        cutAll();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
