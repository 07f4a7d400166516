package dev.carryon.server.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading Linux's TCP tables: lines as the kernel writes them, in files of their own. */
class SendQueuesTest {

    static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    @Test
    void eachConnectionsQueueByItsPortsWithListeningSocketsAndPortClashesLeftOut(@TempDir Path dir) throws Exception {
        Path tcp = Files.writeString(dir.resolve("tcp"), HEADER
                // listening on 8080: its tx_queue is no send queue
                + "   0: 0100007F:1F90 00000000:0000 0A 00000010:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n"
                // 8080 -> 51000, 0x370230 bytes queued
                + "   1: 0100007F:1F90 0100007F:C738 01 00370230:00000000 04:00000053 00000000     0        0 2 3 0 20 4 30 10 8\n"
                // the client's end of it: a key of its own
                + "   2: 0100007F:C738 0100007F:1F90 01 00000000:0003DE6F 00:00000000 00000000     0        0 3 1 0 20 8 0 11 -1\n"
                // 8080 -> 52000 from two hosts: not told apart
                + "   3: 0100007F:1F90 0A000001:CB20 01 00000100:00000000 00:00000000 00000000     0        0 4 1 0 20 8 0 11 -1\n");
        Path tcp6 = Files.writeString(dir.resolve("tcp6"), "  sl  local_address                         remote_address                        st tx_queue rx_queue\n"
                + "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000A000002:CB20 01 00000200:00000000 00:00000000 00000000     0        0 5 1 0\n"
                + "   1: 00000000000000000000000001000000:1F91 00000000000000000000000001000000:D000 08 00000000:00000000 00:00000000 00000000     0        0 6 1 0\n");
        SendQueues q = new SendQueues(List.of(tcp, tcp6, dir.resolve("absent")));
        assertThat(q.available()).isTrue();
        assertThat(q.wanted()).as("nobody asked").isFalse();
        q.want();
        assertThat(q.wanted()).isTrue();
        q.refresh();
        SendQueues.Snapshot s = q.snapshot();
        assertThat(s.queued(8080, 51000)).isEqualTo(0x370230);
        assertThat(s.queued(51000, 8080)).isZero();
        assertThat(s.queued(8081, 0xD000)).isZero();
        assertThat(s.listed(8080, 0)).as("the listening socket").isFalse();
        assertThat(s.listed(8080, 52000)).isTrue();
        assertThat(s.queued(8080, 52000)).as("two connections with these ports").isEqualTo(SendQueues.UNKNOWN);
        assertThat(s.listed(8080, 1)).isFalse();
        assertThat(s.queued(8080, 1)).isEqualTo(SendQueues.UNKNOWN);
        q.release();
        assertThat(q.wanted()).isFalse();
    }

    @Test
    void withoutTheTablesNothingIsKnown(@TempDir Path dir) {
        SendQueues q = new SendQueues(List.of(dir.resolve("tcp")));
        assertThat(q.available()).isFalse();
        q.want();
        assertThat(q.wanted()).as("nothing to read").isFalse();
    }
}
