package dev.carryon.core.fuzz;

import dev.carryon.core.field.BareItem;
import dev.carryon.core.field.Member;
import dev.carryon.core.field.StructuredFieldException;
import dev.carryon.core.field.StructuredFields;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 9651 parsing of any input as a list, a dictionary and an item: a {@link StructuredFieldException} or a
 * value that serialises to a canonical form that parses back to the same value.
 */
class StructuredFieldsFuzzTest {

    @Test
    void structuredFields() {
        Fuzz.run("structured-fields", List.of("?1", "?0", "@", "%\"", ":", "::", "=:", "(", ")", "()", ";", ";a", ";a=1",
                "a=", "*", "\"\\\"", "\\\\", "1.5", "-1.001", "1.0000", "123456789012.1", "1234567890123.1", "%22",
                "%c3%a9", "%C3%A9", "%ff", ":AQID:", ":AQ==:", ":A:", "a, b", "a=1, b=2", "(1 2);x", "Token/x:y"),
                StructuredFieldsFuzzTest::check);
    }

    static String check(String input) {
        return "L" + list(input) + " D" + dictionary(input) + " I" + item(input);
    }

    private static String list(String input) {
        List<Member> parsed;
        try {
            parsed = StructuredFields.parseList(input);
        } catch (StructuredFieldException e) {
            return "!";
        }
        String canonical = StructuredFields.serializeList(parsed);
        assertThat(StructuredFields.parseList(canonical)).as("list: parse(serialize(v))").isEqualTo(parsed);
        assertThat(StructuredFields.serializeList(StructuredFields.parseList(canonical))).isEqualTo(canonical);
        return kinds(parsed.stream());
    }

    private static String dictionary(String input) {
        Map<String, Member> parsed;
        try {
            parsed = StructuredFields.parseDictionary(input);
        } catch (StructuredFieldException e) {
            return "!";
        }
        String canonical = StructuredFields.serializeDictionary(parsed);
        Map<String, Member> again = StructuredFields.parseDictionary(canonical);
        assertThat(again).as("dictionary: parse(serialize(v))").isEqualTo(parsed);
        assertThat(List.copyOf(again.keySet())).as("keys in order").isEqualTo(List.copyOf(parsed.keySet()));
        assertThat(StructuredFields.serializeDictionary(again)).isEqualTo(canonical);
        return kinds(parsed.values().stream());
    }

    private static String item(String input) {
        Member.Item parsed;
        try {
            parsed = StructuredFields.parseItem(input);
        } catch (StructuredFieldException e) {
            return "!";
        }
        String canonical = StructuredFields.serialize(parsed);
        assertThat(StructuredFields.parseItem(canonical)).as("item: parse(serialize(v))").isEqualTo(parsed);
        return kinds(Stream.of(parsed));
    }

    /** The kinds of values present (with parameters or not), without their number or order. */
    private static String kinds(Stream<Member> members) {
        TreeSet<String> kinds = new TreeSet<>();
        members.forEach(m -> {
            if (m instanceof Member.InnerList list) {
                kinds.add("()");
                list.items().forEach(i -> kinds.add(kind(i.value())));
            } else if (m instanceof Member.Item item) {
                kinds.add(kind(item.value()));
            }
            m.parameters().values().values().forEach(p -> kinds.add(";" + kind(p)));
        });
        return String.join("", kinds);
    }

    private static String kind(BareItem v) {
        return v.getClass().getSimpleName().substring(0, 2);
    }
}
