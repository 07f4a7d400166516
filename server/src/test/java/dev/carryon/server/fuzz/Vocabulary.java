package dev.carryon.server.fuzz;

/** The words the request generator builds from: valid ones to get deep into the server, hostile ones to break it. */
final class Vocabulary {

    private Vocabulary() {
    }

    static final String[] METHODS = {"GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH",
        "TRACE", "CONNECT", "PRI", "get", "Get", "G\u0000T", "GET\t", "", "M-SEARCH", "PROPFIND", "X".repeat(300)};

    static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.0", "HTTP/2.0",
        "HTTP/0.9", "http/1.1", "HTTP/1.1 ", "HTTP/1", "HTTP/1.1\u0000", "HTTP/9.9", "HTTP/1.10", ""};

    static final String[] FILE_TARGETS = {"/data.bin", "/data.bin", "/data.bin", "/small.txt", "/empty", "/dir/",
        "/dir", "/", "/dir/x.txt", "/%64ata.bin", "/d%61ta.bin", "/no-such", "/../etc/passwd", "/%2e%2e/%2e%2e/",
        "/%00", "/%", "/%zz", "/%C3%A9.txt", "/\u00e9.txt", "/%ED%A0%80", "/%FF", "*", "http://fuzz/data.bin",
        "http://other.example:99/small.txt", "https://fuzz/small.txt", "//data.bin", "/data.bin?x=1#frag",
        "/data.bin;p", "/./data.bin", "/dir/../data.bin", "/dir//x.txt", "/%2D/", "/.carryon/", "/.hidden",
        "data.bin", "/data.bin%20", "/ data.bin", "/data.bin\u0000", "/%25", "/\\..\\data.bin"};

    static final String[] RESERVED_TARGETS = {"/-/health", "/-/metrics", "/-/api/transfers",
        "/-/api/transfers?state=active&limit=1", "/-/api/transfers?state=bogus&limit=-1",
        "/-/api/transfers?limit=99999999999999999999", "/-/api/transfers?state=%ZZ", "/-/ui/app.js",
        "/-/ui/app.css", "/-/ui/icon.svg", "/-/ui/nope", "/-/ui/../metrics", "/-/", "/-", "/-/api/"};

    static final String[] RANGES = {"bytes=0-9", "bytes=-5", "bytes=5-", "bytes=0-0,2-3,5-9", "bytes=9-1",
        "bytes=99999999999999999999-", "bytes=-0", "bytes=0-", "bytes=99999-", "bytes=100000-", "bytes=0-99999999",
        "bytes=,", "bytes=a-b", "bits=0-1", "bytes 0-1", "bytes=0-1,", "bytes= 0 - 1 ", "BYTES=1-2", "",
        "bytes=-9223372036854775808", "bytes=9223372036854775807-9223372036854775807", "bytes=0-1;x",
        "bytes=\u00b9-2"};

    static final String[] DATES = {"Sun, 06 Nov 1994 08:49:37 GMT", "Thu, 01 Jan 2099 00:00:00 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Mon, 31 Feb 2020 25:61:61 GMT", "0", "-1",
        "Sun, 06 Nov 99999 08:49:37 GMT", "yesterday", ""};

    static final String[] TAGS = {"*", "\"x\"", "W/\"x\"", "\"\"", "\"a\", \"b\"", "W/", "\"", "x", "*, \"x\"",
        "\"\u00ff\""};

    static final String[] NUMBERS = {"0", "1", "5", "10", "100", "1048576", "1048577", "-1", "+1", "01", "1.5",
        "0x10", "1e3", "9223372036854775807", "9223372036854775808", "99999999999999999999999", "", " ", "abc",
        "\u00d9\u00a1"};

    static final String[] TUS_VERSIONS = {"1.0.0", "0.2.2", "1.0", "", " 1.0.0 ",
        "1.0.0, 0.2.2"};

    static final String[] IETF_VERSIONS = {"3", "4", "5", "6", "7", "8", "9", "10", "10", "11", "0", "-1", "",
        "6.0", "99999999999", "x"};

    static final String[] BOOLEANS = {"?1", "?0", "?1", "?0", "?", "?2", "1", "true", "", "?1;a=1", "?1, ?0"};

    static final String[] METADATA = {"filename aGVsbG8udHh0", "filename aGVsbG8udHh0,type dGV4dA==",
        "filename", "filename !!!", "filename Li4vLi4vZXRjL3Bhc3N3ZA==", "a b,a c", ",", " ", "filename ",
        "k\u00e9y dg==", "x " + "QUFB".repeat(2000), "filename LmNhcnJ5b24=", "filename AA==", "=,=,="};

    static final String[] CHECKSUM_ALGORITHMS = {"sha1", "md5", "sha256", "sha512", "crc32", "SHA1", ""};

    static final String[] CONCAT = {"partial", "final;/uploads/a /uploads/b", "final;", "final", "partial;x",
        "final; ", "final;http://other/uploads/x", "final;/uploads/../x", "Partial"};

    static final String[] METHOD_OVERRIDES = {"PATCH", "DELETE", "HEAD", "GET", "", " ", "PA TCH", "patch",
        "\u00e9", "POST"};

    /** Lines that break the grammar of a field line, or of the whole head, or the framing. */
    static final String[] BREAKING_LINES = {"X-Nul: a\u0000b", "X-Ctl: a\u0001b", "X-Del: a\u007fb",
        "X Space: x", "X-Colon : x", ": empty name", "NoColon", " leading: ws", "\tX-Tab: x", "X-Folded: a\r\n b",
        "X-Folded-Tab: a\r\n\tb", "X-Bare-Lf: a\nb", "X-Cr: a\rb", "Content-Length: 0, 0", "Content-Length: 1, 2",
        "Content-Length:", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: xchunked", "Transfer-Encoding:\r\n chunked", "Host: other", "Host:"};

    /** Lines that are valid but unusual, or that change how the request is handled. */
    static final String[] ODD_LINES = {"X-Latin: caf\u00e9", "Connection: upgrade, close", "Upgrade: h2c",
        "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
        "Expect: 100-continue", "Expect: 100-continue, x", "Expect: banana", "Connection: keep-alive",
        "Connection: close", "Trailer: Upload-Checksum", "Authorization: Bearer x", "Authorization: Basic !!",
        "Origin: https://example.test", "Origin: null", "Access-Control-Request-Method: PATCH",
        "Access-Control-Request-Headers: upload-offset, tus-resumable", "Forwarded: for=1.2.3.4;proto=https;host=evil",
        "X-Forwarded-Host: evil", "X-Forwarded-Proto: gopher", "Content-Type: application/offset+octet-stream",
        "Content-Type: application/partial-upload", "Content-Type: \u00ff", "Te: trailers", "Content-Encoding: gzip",
        "Cookie: a=b", "User-Agent: " + "u".repeat(300), "Accept-Language: *", "Max-Forwards: 0",
        "Content-Range: bytes 0-1/2", "Priority: u=0, i", "Early-Data: 1"};

    /** Bytes that hurt parsers when inserted anywhere. */
    static final String[] HOSTILE_TOKENS = {"\u0000", "\r", "\n", "\r\n", "\r\n\r\n", " ", "\t", ":", ",", ";",
        "\"", "%", "%00", "%zz", "\u00ff", "\u0080", "\u00c3\u00a9", "HTTP/1.1", "0\r\n\r\n",
        "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "9223372036854775808",
        "ffffffffffffffffffff", "-1", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\r\n "};
}
