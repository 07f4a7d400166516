package dev.carryon.server.upload;

/** The writer locks' contract within one process. */
class LocalUploadLocksTest extends UploadLocksContract {

    @Override
    protected UploadLocks locks() {
        return new LocalUploadLocks(null);
    }
}
