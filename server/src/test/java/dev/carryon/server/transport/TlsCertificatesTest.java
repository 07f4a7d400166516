package dev.carryon.server.transport;

import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.Tools;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The certificate and key files that {@code --tls-cert} and {@code --tls-key} take: a chain is sent whole; a key
 * in a form the TLS context cannot read is refused with the exact openssl command that converts it, and that
 * command, run as printed, gives a key that works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsCertificatesTest {

    static Path dir;
    static Path root;

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory("carryon-tls-files-");
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), "hello over TLS");
    }

    @AfterAll
    static void cleanUp() {
        TestFiles.deleteRecursively(dir);
    }

    static CarryonServer start(Path cert, Path key) throws IOException {
        return CarryonServer.start(ServerConfig.builder(root).port(0).accessLog("off")
                .stateDir(Files.createTempDirectory(dir, "state-")).tls(cert, key).build());
    }

    /** A GET over HTTPS with only {@code trusted} as the trust anchor; the body. */
    static String get(CarryonServer server, X509Certificate trusted) throws Exception {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        anchors.setCertificateEntry("anchor", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.url() + "hello.txt")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Runs a command line of openssl (skipping the test without it) and waits for it. */
    static void openssl(String commandLine, String... extra) throws Exception {
        Path binary = Tools.require("openssl");
        List<String> args = new ArrayList<>(Arrays.asList(commandLine.split(" ")));
        args.set(0, binary.toString());
        args.addAll(List.of(extra));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", args, out).isZero();
    }

    static X509Certificate selfSigned(Path key, Path cert) throws Exception {
        openssl("openssl req -new -x509 -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -key " + key
                + " -out " + cert);
        try (var in = Files.newInputStream(cert)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        }
    }

    /** The openssl command in a refusal, from "openssl" to the output file. */
    static String commandIn(String message) {
        Matcher m = Pattern.compile("(openssl pkcs8 .*? -out \\S+)").matcher(message);
        assertThat(m.find()).as("an openssl command in: %s", message).isTrue();
        return m.group(1);
    }

    /**
     * Refused with a command; the command run as printed (with {@code extra}); then accepted and serving. The
     * certificate is made with {@code signing}, the same key in a form openssl reads without asking.
     */
    static void refusedThenConverted(Path key, Path signing, String form, String... extra) throws Exception {
        X509Certificate cert = selfSigned(signing, dir.resolve(key.getFileName() + ".crt"));
        IOException refused = catchThrowableOfType(() -> start(dir.resolve(key.getFileName() + ".crt"), key),
                IOException.class);
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains(key.toString(), form, "--tls-key " + key + ".pk8");
        openssl(commandIn(refused.getMessage()), extra);
        try (CarryonServer server = start(dir.resolve(key.getFileName() + ".crt"), Path.of(key + ".pk8"))) {
            assertThat(get(server, cert)).isEqualTo("hello over TLS");
        }
    }

    @Test
    void aPkcs1RsaKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path key = dir.resolve("rsa-pkcs1.key");
        openssl("openssl genrsa -traditional -out " + key + " 2048");
        assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        refusedThenConverted(key, key, "PKCS#1");
    }

    @Test
    void aSec1EcKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path key = dir.resolve("ec-sec1.key");
        openssl("openssl ecparam -name prime256v1 -genkey -noout -out " + key);
        assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        refusedThenConverted(key, key, "SEC1");
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheCommandThatDecryptsIt() throws Exception {
        Path plain = dir.resolve("plain-for-encryption.key");
        openssl("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + plain);
        Path key = dir.resolve("encrypted.key");
        openssl("openssl pkcs8 -topk8 -in " + plain + " -out " + key + " -passout pass:secret");
        assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        refusedThenConverted(key, plain, "encrypted", "-passin", "pass:secret"); // the printed command asks for it
    }

    @Test
    void theCertificateWhereTheKeyShouldBeIsSaidPlainly() throws Exception {
        X509Bundle b = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true).ecp256()
                .buildSelfSigned();
        Path cert = Files.writeString(dir.resolve("only-cert.pem"), b.getCertificatePEM());
        IOException refused = catchThrowableOfType(() -> start(cert, cert), IOException.class);
        assertThat(refused.getMessage()).contains("holds no PEM private key", "--tls-key");
    }

    @Test
    void aChainFileIsSentWholeSoThatClientsTrustingOnlyTheRootAccept() throws Exception {
        X509Bundle rootCa = new CertificateBuilder().subject("CN=carryon test root").setIsCertificateAuthority(true)
                .ecp256().buildSelfSigned();
        X509Bundle intermediate = new CertificateBuilder().subject("CN=carryon test intermediate")
                .setIsCertificateAuthority(true).ecp256().buildIssuedBy(rootCa);
        X509Bundle leaf = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1").ecp256().buildIssuedBy(intermediate);
        Path chain = Files.writeString(dir.resolve("chain.pem"),
                leaf.getCertificatePEM() + intermediate.getCertificatePEM());
        Path key = Files.writeString(dir.resolve("leaf.key"), leaf.getPrivateKeyPEM());
        try (CarryonServer server = start(chain, key)) {
            assertThat(get(server, rootCa.getCertificate())).isEqualTo("hello over TLS");
            assertThat(server.tlsEngine()).isEqualTo("OpenSSL (BoringSSL)");
        }
    }
}
