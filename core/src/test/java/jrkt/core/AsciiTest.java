package jrkt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Machine words keep their case mapping on any host: a Turkish locale lowercases I to a dotless ı. */
class AsciiTest {
    @Test
    void casesOnlyAsciiLettersWhateverTheHostsLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals("private-users=identity", Ascii.lower("PRIVATE-USERS=IDENTITY"));
            assertEquals("IDENTITY", Ascii.upper("identity"));
            assertEquals("çİı-x", Ascii.lower("çİı-X"), "other characters stay as they are");
            String already = "retain";
            assertEquals(already, Ascii.lower(already));
        } finally {
            Locale.setDefault(before);
        }
    }
}
