package dev.carryon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's training run: each of its commands must work, or the class archive misses their classes. */
@Timeout(60)
class TrainingTest {

    @Test
    void serveGetProbeAndPutAllSucceed(@TempDir Path dir) throws Exception {
        assertThat(Training.train(dir)).as("commands that failed").isZero();
        byte[] sample = Files.readAllBytes(dir.resolve("root/sample.bin"));
        assertThat(dir.resolve("got.bin")).as("the get").hasBinaryContent(sample);
        assertThat(dir.resolve("root/upload.bin")).as("the put, finished into the served root")
                .hasBinaryContent(sample);
    }
}
