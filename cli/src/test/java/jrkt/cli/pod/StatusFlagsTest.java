package jrkt.cli.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import jrkt.cli.JrktCommand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** rkt's --wait / --wait-ready: true, false, a duration, or no value, which never swallows the UUID. */
class StatusFlagsTest {

    @ParameterizedTest(name = "status {0}")
    @CsvSource(delimiter = '|', value = {
        "--wait 1a2b                  | 1a2b | true  | ",
        "1a2b --wait                  | 1a2b | true  | ",
        "--wait=true 1a2b             | 1a2b | true  | ",
        "--wait=false 1a2b            | 1a2b | false | PT0S",
        "--wait=0 1a2b                | 1a2b | false | PT0S",
        "--wait=90s 1a2b              | 1a2b | true  | PT1M30S",
        "--wait=-1s 1a2b              | 1a2b | true  | ",
        "--wait-ready 1a2b --wait=2m  | 1a2b | true  | PT2M",
    })
    void waitTakesOnlyAnAttachedValue(String args, String uuid, boolean waits, Duration limit) {
        var parsed = new JrktCommand().commandLine().parseArgs(("status " + args).split(" "));
        StatusCommand status = (StatusCommand) parsed.subcommand().commandSpec().userObject();
        assertEquals(uuid, status.uuid);
        assertEquals(new Wait(waits, limit), status.waitExit);
    }
}
