package dev.carryon.server.content;

import java.time.Instant;

/** The contract against content that pins versions when it opens them and has no files: an object store's way. */
class MemoryContentContractTest extends ServedContentContract {

    final MemoryContent content = new MemoryContent();

    @Override
    protected ServedContent content() {
        return content;
    }

    @Override
    protected ServedContent anotherNode() {
        return content.view();
    }

    @Override
    protected void write(String path, byte[] bytes) {
        content.put(path, bytes, Instant.now().minusSeconds(60));
    }

    @Override
    protected void change(String path, byte[] bytes) {
        content.put(path, bytes, Instant.now().minusSeconds(30));
    }

    @Override
    protected void mkdir(String path) {
        content.mkdir(path);
    }

    @Override
    protected void delete(String path) {
        content.delete(path);
    }
}
