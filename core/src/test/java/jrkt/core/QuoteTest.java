package jrkt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuoteTest {
    @Test
    void shortValuesStayAndLongOnesKeepTheirEnds() {
        assertEquals("abc", Quote.shorten("abc", 10));
        String s = Quote.shorten("a".repeat(50) + "MIDDLE" + "z".repeat(50), 30);
        assertEquals("a".repeat(20) + "...[76 characters left out]..." + "z".repeat(10), s);
        assertEquals("\"" + "x".repeat(66) + "...[999900 characters left out]..." + "x".repeat(34) + "\"", Quote.arg("x".repeat(1_000_000)));
    }

    @Test
    void aSurrogatePairIsNeverCutInTwo() {
        String emoji = "\uD83D\uDE00";
        String s = Quote.shorten(emoji.repeat(40), 21);
        assertTrue(s.codePoints().noneMatch(cp -> Character.getType(cp) == Character.SURROGATE), s);
    }

    @Test
    void everythingATerminalActsOnIsEscapedAndTheEscapingIsUnambiguous() {
        assertEquals("plain text, été, 日本", Quote.escape("plain text, été, 日本"));
        assertEquals("\\x1b[2J\\x07\\n\\r\\t\\x7f\\u009b\\u202e\\u200b\\\\x1b", Quote.escape("\u001b[2J\u0007\n\r\t\u007f\u009b\u202e\u200b\\x1b"));
        assertEquals("\\U000e0001", Quote.escape(new String(Character.toChars(0xE0001))));
    }
}
