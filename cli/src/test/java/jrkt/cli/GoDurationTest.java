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
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "24", "h", "1x", "1h 30m", "-1h", "1h30"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> GoDuration.parse(bad), bad);
        }
    }

    @Test
    void formatsShortest() {
        assertEquals("24h", GoDuration.format(Duration.ofHours(24)));
        assertEquals("1h30m", GoDuration.format(Duration.ofMinutes(90)));
        assertEquals("0s", GoDuration.format(Duration.ZERO));
        assertEquals("1.5s", GoDuration.format(Duration.ofMillis(1500)));
    }
}
