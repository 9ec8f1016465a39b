package jrkt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every message becomes one short terminal line, whatever it quotes. */
class ErrorsTest {
    @Test
    void aHugeWordIsShortenedByItsMiddle() {
        String line = Errors.line("image \"" + "a".repeat(120_000) + "\" not found in the store");
        assertTrue(line.startsWith("image \"aaaa") && line.endsWith("aaaa\" not found in the store"), line);
        assertTrue(line.contains("characters left out") && line.length() < 400, line);
    }

    @Test
    void manyShortWordsAreCappedAsAWhole() {
        String line = Errors.line("unmatched: " + "a ".repeat(100_000) + "end");
        assertTrue(line.length() <= Errors.LONGEST_MESSAGE + 60 && line.endsWith("a end"), line.length() + ": " + line);
    }

    @Test
    void newlinesJoinAndControlCharactersAreEscaped() {
        assertEquals("first; second \\x1b]2;title\\x07", Errors.line("first\n  second \u001b]2;title\u0007"));
    }

    @Test
    void oneLineJoinsLinesAsTheRegexItReplacedDid() {
        assertEquals("cannot mount /x; permission denied", Errors.oneLine("  cannot mount /x \r\n\t permission denied\n"));
        assertEquals("a; ; b", Errors.oneLine("a \u2028 \u2028 b"));
        assertEquals("a b", Errors.oneLine("a b"));
        assertEquals("unknown error", Errors.oneLine(null));
        // every mix of white space, line breaks and words, against replaceAll("\\s*\\R\\s*", "; ")
        char[] alphabet = {'a', 'b', ' ', '\t', '\n', '\r', '\u000B', '\f', '\u0085', '\u2028', '\u2029', '\u00A0'};
        Random random = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            char[] text = new char[random.nextInt(12)];
            for (int j = 0; j < text.length; j++) text[j] = alphabet[random.nextInt(alphabet.length)];
            String message = new String(text);
            assertEquals(message.strip().replaceAll("\\s*\\R\\s*", "; "), Errors.oneLine(message), () -> message.chars()
                .mapToObj(c -> String.format("\\u%04x", c)).reduce("", String::concat));
        }
    }
}
