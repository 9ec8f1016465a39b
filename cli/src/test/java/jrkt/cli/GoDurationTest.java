package jrkt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GoDurationTest {
    @Test
    void parsesGoStyleDurations() {
        assertEquals(Duration.ofHours(24), GoDuration.parse("24h"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m"));
        assertEquals(Duration.ZERO, GoDuration.parse("0s"));
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s"));
        assertEquals(Duration.ofMillis(250), GoDuration.parse("250ms"));
        assertEquals(Duration.ofHours(1).plusMinutes(30).plusSeconds(10).plusMillis(500).plusNanos(7_003),
            GoDuration.parse(" 1h30m10s500ms7us3ns "));
        assertEquals(Duration.ofNanos(2_000), GoDuration.parse("2µs"));
        assertEquals(Duration.ofMinutes(1).plusMillis(1), GoDuration.parse("1m1ms")); // ms is not m then s
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h"));
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), GoDuration.parse("99999999999999999999999h")); // saturates at the longest duration, as before
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "24", "h", "1x", "1h 30m", "-1h", "1h30", "1.s", ".5s", "1..5s", "s1", "1hh"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> GoDuration.parse(bad), bad);
        }
    }

    @Test
    void formatsShortest() {
        assertEquals("24h", GoDuration.format(Duration.ofHours(24)));
        assertEquals("1h30m", GoDuration.format(Duration.ofMinutes(90)));
        assertEquals("0s", GoDuration.format(Duration.ZERO));
        assertEquals("1.5s", GoDuration.format(Duration.ofMillis(1500)));
        assertEquals("0.005s", GoDuration.format(Duration.ofMillis(5)));
        assertEquals("2.05s", GoDuration.format(Duration.ofMillis(2050)));
        assertEquals("1m0.105s", GoDuration.format(Duration.ofMillis(60_105)));
        assertEquals("1h1m1.25s", GoDuration.format(Duration.ofMillis(3_661_250)));
        assertEquals("250ns", GoDuration.format(Duration.ofNanos(250)));
    }
}
