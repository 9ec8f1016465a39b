package jrkt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
