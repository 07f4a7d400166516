package dev.carryon.core.field;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses and serialises Structured Field Values for HTTP (RFC 9651), following the algorithms of its
 * section 4 step by step. Parsing is strict: anything the RFC says to fail on throws
 * {@link StructuredFieldException}, and the caller then ignores the field as the RFC requires.
 */
public final class StructuredFields {

    private final String input;
    private int pos;

    private StructuredFields(String input) {
        for (int i = 0; i < input.length(); i++) {
            if (input.charAt(i) > 0x7f) {
                throw new StructuredFieldException("not ASCII at offset " + i);
            }
        }
        this.input = input;
    }

    /** Parses a List field: members in order. */
    public static List<Member> parseList(String value) {
        StructuredFields p = new StructuredFields(value);
        p.skipSpaces();
        List<Member> members = p.list();
        p.expectEnd();
        return members;
    }

    /** Parses a Dictionary field: keys in first-seen order, a repeated key keeps its last value. */
    public static Map<String, Member> parseDictionary(String value) {
        StructuredFields p = new StructuredFields(value);
        p.skipSpaces();
        Map<String, Member> dictionary = p.dictionary();
        p.expectEnd();
        return dictionary;
    }

    /** Parses an Item field. */
    public static Member.Item parseItem(String value) {
        StructuredFields p = new StructuredFields(value);
        p.skipSpaces();
        Member.Item item = p.item();
        p.expectEnd();
        return item;
    }

    // ---- parsing (RFC 9651 section 4.2) ----

    private List<Member> list() {
        List<Member> members = new ArrayList<>();
        while (!atEnd()) {
            members.add(itemOrInnerList());
            skipOws();
            if (atEnd()) {
                return members;
            }
            expect(',');
            skipOws();
            if (atEnd()) {
                throw fail("trailing comma");
            }
        }
        return members;
    }

    private Map<String, Member> dictionary() {
        Map<String, Member> dictionary = new LinkedHashMap<>();
        while (!atEnd()) {
            String key = key();
            Member member;
            if (peek() == '=') {
                pos++;
                member = itemOrInnerList();
            } else {
                member = new Member.Item(BareItem.Boolean.TRUE, parameters());
            }
            dictionary.put(key, member);
            skipOws();
            if (atEnd()) {
                return dictionary;
            }
            expect(',');
            skipOws();
            if (atEnd()) {
                throw fail("trailing comma");
            }
        }
        return dictionary;
    }

    private Member itemOrInnerList() {
        return peek() == '(' ? innerList() : item();
    }

    private Member.InnerList innerList() {
        expect('(');
        List<Member.Item> items = new ArrayList<>();
        while (!atEnd()) {
            skipSpaces();
            if (peek() == ')') {
                pos++;
                return new Member.InnerList(items, parameters());
            }
            items.add(item());
            char c = peek();
            if (c != ' ' && c != ')') {
                throw fail("expected a space or ')' in an inner list");
            }
        }
        throw fail("unterminated inner list");
    }

    private Member.Item item() {
        BareItem value = bareItem();
        return new Member.Item(value, parameters());
    }

    private BareItem bareItem() {
        char c = peek();
        if (c == '-' || isDigit(c)) {
            return integerOrDecimal();
        } else if (c == '"') {
            return string();
        } else if (c == '*' || isAlpha(c)) {
            return token();
        } else if (c == ':') {
            return byteSequence();
        } else if (c == '?') {
            return booleanItem();
        } else if (c == '@') {
            return date();
        } else if (c == '%') {
            return displayString();
        }
        throw fail("no item starts with " + describe(c));
    }

    private Parameters parameters() {
        Map<String, BareItem> params = new LinkedHashMap<>();
        while (peek() == ';') {
            pos++;
            skipSpaces();
            String key = key();
            BareItem value = BareItem.Boolean.TRUE;
            if (peek() == '=') {
                pos++;
                value = bareItem();
            }
            params.put(key, value);
        }
        return params.isEmpty() ? Parameters.EMPTY : new Parameters(params);
    }

    private String key() {
        char first = peek();
        if (first != '*' && !isLcAlpha(first)) {
            throw fail("a key must start with a lowercase letter or '*'");
        }
        int start = pos;
        while (!atEnd()) {
            char c = input.charAt(pos);
            if (!(isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) {
                break;
            }
            pos++;
        }
        return input.substring(start, pos);
    }

    private BareItem integerOrDecimal() {
        boolean negative = false;
        if (peek() == '-') {
            negative = true;
            pos++;
        }
        if (!isDigit(peek())) {
            throw fail("expected a digit");
        }
        int start = pos;
        int dot = -1;
        while (!atEnd()) {
            char c = input.charAt(pos);
            if (isDigit(c)) {
                pos++;
            } else if (c == '.' && dot < 0) {
                if (pos - start > 12) {
                    throw fail("a decimal has at most 12 integer digits");
                }
                dot = pos;
                pos++;
            } else {
                break;
            }
            if (dot < 0 && pos - start > 15) {
                throw fail("an integer has at most 15 digits");
            }
            if (dot >= 0 && pos - start > 16) {
                throw fail("a decimal has at most 16 characters");
            }
        }
        String digits = input.substring(start, pos);
        if (dot < 0) {
            long v = Long.parseLong(digits);
            return new BareItem.Integer(negative ? -v : v);
        }
        int fraction = pos - dot - 1;
        if (fraction == 0) {
            throw fail("a decimal ends with '.'");
        }
        if (fraction > 3) {
            throw fail("a decimal has at most 3 fractional digits");
        }
        long whole = Long.parseLong(input.substring(start, dot));
        long frac = Long.parseLong(input.substring(dot + 1, pos));
        for (int i = fraction; i < 3; i++) {
            frac *= 10;
        }
        long thousandths = whole * 1000 + frac;
        return new BareItem.Decimal(negative ? -thousandths : thousandths);
    }

    private BareItem string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (!atEnd()) {
            char c = input.charAt(pos++);
            if (c == '\\') {
                if (atEnd()) {
                    throw fail("string ends inside an escape");
                }
                char next = input.charAt(pos++);
                if (next != '"' && next != '\\') {
                    throw fail("only '\\\"' and '\\\\' are escapes in a string");
                }
                out.append(next);
            } else if (c == '"') {
                return new BareItem.String(out.toString());
            } else if (c < 0x20 || c > 0x7e) {
                throw fail("control character in a string");
            } else {
                out.append(c);
            }
        }
        throw fail("unterminated string");
    }

    private BareItem token() {
        int start = pos;
        pos++;
        while (!atEnd()) {
            char c = input.charAt(pos);
            if (!(isTchar(c) || c == ':' || c == '/')) {
                break;
            }
            pos++;
        }
        return new BareItem.Token(input.substring(start, pos));
    }

    private BareItem byteSequence() {
        expect(':');
        int start = pos;
        while (!atEnd() && input.charAt(pos) != ':') {
            char c = input.charAt(pos);
            if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
                throw fail("not a base64 character in a byte sequence");
            }
            pos++;
        }
        if (atEnd()) {
            throw fail("unterminated byte sequence");
        }
        String encoded = input.substring(start, pos);
        pos++;
        try {
            return new BareItem.Bytes(Base64.getDecoder().decode(encoded));
        } catch (IllegalArgumentException e) {
            throw fail("invalid base64 in a byte sequence");
        }
    }

    private BareItem booleanItem() {
        expect('?');
        char c = peek();
        if (c == '1' || c == '0') {
            pos++;
            return c == '1' ? BareItem.Boolean.TRUE : BareItem.Boolean.FALSE;
        }
        throw fail("a boolean is ?0 or ?1");
    }

    private BareItem date() {
        expect('@');
        BareItem number = integerOrDecimal();
        if (number instanceof BareItem.Integer i) {
            return new BareItem.Date(i.value());
        }
        throw fail("a date is an integer");
    }

    private BareItem displayString() {
        expect('%');
        expect('"');
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!atEnd()) {
            char c = input.charAt(pos++);
            if (c < 0x20 || c > 0x7e) {
                throw fail("control character in a display string");
            }
            if (c == '%') {
                if (pos + 2 > input.length()) {
                    throw fail("truncated percent escape in a display string");
                }
                int hi = lowerHex(input.charAt(pos));
                int lo = lowerHex(input.charAt(pos + 1));
                if (hi < 0 || lo < 0) {
                    throw fail("a display string escape is '%' and two lowercase hex digits");
                }
                pos += 2;
                bytes.write(hi * 16 + lo);
            } else if (c == '"') {
                try {
                    String text = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes.toByteArray()))
                            .toString();
                    return new BareItem.DisplayString(text);
                } catch (CharacterCodingException e) {
                    throw fail("a display string is not UTF-8");
                }
            } else {
                bytes.write(c);
            }
        }
        throw fail("unterminated display string");
    }

    // ---- serialising (RFC 9651 section 4.1) ----

    public static String serialize(Member.Item item) {
        StringBuilder out = new StringBuilder();
        writeItem(out, item);
        return out.toString();
    }

    public static String serializeList(List<? extends Member> members) {
        StringBuilder out = new StringBuilder();
        for (Member m : members) {
            if (out.length() > 0) {
                out.append(", ");
            }
            writeMember(out, m);
        }
        return out.toString();
    }

    public static String serializeDictionary(Map<String, ? extends Member> dictionary) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, ? extends Member> e : dictionary.entrySet()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            writeKey(out, e.getKey());
            Member m = e.getValue();
            if (m instanceof Member.Item item && item.value().equals(BareItem.Boolean.TRUE)) {
                writeParameters(out, item.parameters());
            } else {
                out.append('=');
                writeMember(out, m);
            }
        }
        return out.toString();
    }

    public static String serialize(BareItem value) {
        StringBuilder out = new StringBuilder();
        writeBareItem(out, value);
        return out.toString();
    }

    private static void writeMember(StringBuilder out, Member m) {
        if (m instanceof Member.Item item) {
            writeItem(out, item);
        } else if (m instanceof Member.InnerList list) {
            out.append('(');
            for (int i = 0; i < list.items().size(); i++) {
                if (i > 0) {
                    out.append(' ');
                }
                writeItem(out, list.items().get(i));
            }
            out.append(')');
            writeParameters(out, list.parameters());
        }
    }

    private static void writeItem(StringBuilder out, Member.Item item) {
        writeBareItem(out, item.value());
        writeParameters(out, item.parameters());
    }

    private static void writeParameters(StringBuilder out, Parameters params) {
        for (Map.Entry<String, BareItem> p : params.values().entrySet()) {
            out.append(';');
            writeKey(out, p.getKey());
            if (!p.getValue().equals(BareItem.Boolean.TRUE)) {
                out.append('=');
                writeBareItem(out, p.getValue());
            }
        }
    }

    private static void writeKey(StringBuilder out, String key) {
        if (key.isEmpty() || !(isLcAlpha(key.charAt(0)) || key.charAt(0) == '*')) {
            throw new IllegalArgumentException("not a valid key: " + key);
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) {
                throw new IllegalArgumentException("not a valid key: " + key);
            }
        }
        out.append(key);
    }

    private static void writeBareItem(StringBuilder out, BareItem value) {
        if (value instanceof BareItem.Integer i) {
            out.append(i.value());
        } else if (value instanceof BareItem.Decimal d) {
            long t = d.thousandths();
            if (t < 0) {
                out.append('-');
                t = -t;
            }
            out.append(t / 1000).append('.');
            long frac = t % 1000;
            if (frac == 0) {
                out.append('0');
            } else {
                String digits = String.format(Locale.ROOT, "%03d", frac);
                out.append(digits.replaceAll("0+$", ""));
            }
        } else if (value instanceof BareItem.String s) {
            out.append('"');
            for (int i = 0; i < s.value().length(); i++) {
                char c = s.value().charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            out.append('"');
        } else if (value instanceof BareItem.Token t) {
            out.append(t.value());
        } else if (value instanceof BareItem.Bytes b) {
            out.append(':').append(Base64.getEncoder().encodeToString(b.value())).append(':');
        } else if (value instanceof BareItem.Boolean b) {
            out.append(b.value() ? "?1" : "?0");
        } else if (value instanceof BareItem.Date d) {
            out.append('@').append(d.epochSeconds());
        } else if (value instanceof BareItem.DisplayString d) {
            out.append("%\"");
            for (byte b : d.value().getBytes(StandardCharsets.UTF_8)) {
                int u = b & 0xff;
                if (u == '%' || u == '"' || u < 0x20 || u > 0x7e) {
                    out.append('%').append(Character.forDigit(u >> 4, 16)).append(Character.forDigit(u & 0xf, 16));
                } else {
                    out.append((char) u);
                }
            }
            out.append('"');
        }
    }

    // ---- characters ----

    private boolean atEnd() {
        return pos >= input.length();
    }

    private char peek() {
        return atEnd() ? '\0' : input.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw fail("expected '" + c + "'");
        }
        pos++;
    }

    private void expectEnd() {
        skipSpaces();
        if (!atEnd()) {
            throw fail("unexpected " + describe(peek()));
        }
    }

    private void skipSpaces() {
        while (!atEnd() && input.charAt(pos) == ' ') {
            pos++;
        }
    }

    private void skipOws() {
        while (!atEnd() && (input.charAt(pos) == ' ' || input.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private StructuredFieldException fail(String why) {
        return new StructuredFieldException(why + " at offset " + pos);
    }

    private static String describe(char c) {
        return c == '\0' ? "end of value" : "'" + c + "'";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLcAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isAlpha(char c) {
        return isLcAlpha(c) || (c >= 'A' && c <= 'Z');
    }

    private static int lowerHex(char c) {
        if (isDigit(c)) {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    /** tchar of RFC 9110 section 5.6.2. */
    static boolean isTchar(char c) {
        return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
