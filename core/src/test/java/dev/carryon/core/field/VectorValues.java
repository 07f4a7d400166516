package dev.carryon.core.field;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code expected} structures of the httpwg structured-field test vectors, as carryon's values. Building a
 * value carryon cannot hold (an integer of 16 digits, a token with a space) throws
 * {@link IllegalArgumentException}, as the value classes do.
 */
final class VectorValues {

    private VectorValues() {
    }

    static List<Member> list(JsonNode node) {
        List<Member> members = new ArrayList<>();
        node.forEach(m -> members.add(member(m)));
        return members;
    }

    static Map<String, Member> dictionary(JsonNode node) {
        Map<String, Member> members = new LinkedHashMap<>();
        node.forEach(pair -> members.put(pair.get(0).asText(), member(pair.get(1))));
        return members;
    }

    /** An item {@code [bare, params]} or an inner list {@code [[items], params]}. */
    static Member member(JsonNode node) {
        if (node.get(0).isArray()) {
            List<Member.Item> items = new ArrayList<>();
            node.get(0).forEach(i -> items.add(item(i)));
            return new Member.InnerList(items, parameters(node.get(1)));
        }
        return item(node);
    }

    static Member.Item item(JsonNode node) {
        return new Member.Item(bare(node.get(0)), parameters(node.get(1)));
    }

    static Parameters parameters(JsonNode node) {
        Map<String, BareItem> params = new LinkedHashMap<>();
        node.forEach(pair -> params.put(pair.get(0).asText(), bare(pair.get(1))));
        return new Parameters(params);
    }

    static BareItem bare(JsonNode node) {
        if (node.isBoolean()) {
            return node.asBoolean() ? BareItem.Boolean.TRUE : BareItem.Boolean.FALSE;
        }
        if (node.isIntegralNumber()) {
            return new BareItem.Integer(node.longValue());
        }
        if (node.isNumber()) {
            return new BareItem.Decimal(thousandths(node.decimalValue()));
        }
        if (node.isTextual()) {
            return new BareItem.String(node.asText());
        }
        String value = node.get("value").asText();
        return switch (node.get("__type").asText()) {
            case "token" -> new BareItem.Token(value);
            case "binary" -> new BareItem.Bytes(base32(value));
            case "date" -> new BareItem.Date(node.get("value").longValue());
            case "displaystring" -> new BareItem.DisplayString(value);
            default -> throw new IllegalStateException("unknown __type in " + node);
        };
    }

    /** A decimal as the thousandths carryon keeps; one with more fractional digits cannot be held. */
    static long thousandths(BigDecimal d) {
        BigDecimal t = d.movePointRight(3);
        if (t.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("more than 3 fractional digits: " + d);
        }
        if (t.abs().compareTo(BigDecimal.valueOf(999_999_999_999_999L)) > 0) {
            throw new IllegalArgumentException("decimal out of range: " + d);
        }
        return t.longValueExact();
    }

    /** RFC 4648 base32, the vectors' encoding of byte sequences. */
    static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            if (c == '=') {
                break;
            }
            int v = alphabet.indexOf(c);
            if (v < 0) {
                throw new IllegalStateException("not base32: " + s);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
