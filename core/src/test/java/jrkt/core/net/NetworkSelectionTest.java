package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;

class NetworkSelectionTest {
    @Test
    void withoutAnyFlagThePodIsOnTheDefaultNetwork() {
        assertEquals(NetworkSelection.DEFAULT, NetworkSelection.parse(List.of()));
        assertEquals(List.of(new NetworkSelection.Requested("default", "")), NetworkSelection.DEFAULT.networks());
    }

    @Test
    void networksKeepTheirOrderAndTheirOwnArgumentsAcrossRepeatedFlags() {
        NetworkSelection s = NetworkSelection.parse(List.of("mynet:IP=10.1.2.3;K=v", "other,third:IgnoreUnknown=1"));
        assertEquals(NetworkSelection.Kind.NAMED, s.kind());
        assertEquals(List.of(new NetworkSelection.Requested("mynet", "IP=10.1.2.3;K=v"),
            new NetworkSelection.Requested("other", ""), new NetworkSelection.Requested("third", "IgnoreUnknown=1")), s.networks());
    }

    @Test
    void hostNoneAndAllStandAlone() {
        assertEquals(NetworkSelection.HOST, NetworkSelection.parse(List.of("host")));
        assertEquals(NetworkSelection.NONE, NetworkSelection.parse(List.of("none")));
        assertEquals(NetworkSelection.ALL, NetworkSelection.parse(List.of("all")));
    }

    @Test
    void badSelectionsAreRefusedNamingWhatIsWrong() {
        assertMessage("--net=host:x: host takes no arguments", "host:x");
        assertMessage("--net=all:x: all takes no arguments", "all:x");
        assertMessage("--net=all cannot be combined with other networks", "default,all");
        assertMessage("--net=host cannot be combined with other networks", "host,default");
        assertMessage("--net=host cannot be combined with other networks", "none,host");
        assertMessage("--net: network mynet is named twice", "mynet,other,mynet:IP=1.2.3.4");
        assertMessage("--net=a,,b: an empty network name", "a,,b");
        assertMessage("--net=my net: \"my net\" is not a network name (letters, digits, '-', '_', '.')", "my net");
        assertMessage("--net=mynet:IP: argument \"IP\" is not KEY=VALUE (arguments are separated by ';')", "mynet:IP");
        assertMessage("--net=mynet:: no arguments after ':'", "mynet:");
    }

    private static void assertMessage(String expected, String value) {
        JrktException e = assertThrows(JrktException.class, () -> NetworkSelection.parse(List.of(value)));
        assertEquals(expected, e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void theNameAndArgumentChecksAcceptWhatTheirRegexesAccepted() {
        String alphabet = "aZ09_.-/ :;=\u00e9\u0660";
        Random random = new Random(5);
        for (int i = 0; i < 25_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String candidate = s.toString();
            assertEquals(candidate.matches("[A-Za-z0-9][A-Za-z0-9_.-]*"), NetworkSelection.isPlainName(candidate), candidate);
            assertEquals(candidate.matches("[A-Za-z0-9_]+"), NetworkSelection.isArgKey(candidate), candidate);
        }
        assertTrue(NetworkSelection.isPlainName("bridge") && !NetworkSelection.isPlainName("../bridge") && !NetworkSelection.isPlainName(""));
    }
}
