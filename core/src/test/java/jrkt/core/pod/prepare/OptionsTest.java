package jrkt.core.pod.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.net.NetworkConfigs;
import jrkt.core.net.PortForward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {

    @Test
    void hostVolumeWithDefaults() {
        VolumeSpec v = VolumeSpec.parse("data,kind=host,source=/srv/data");
        assertEquals(new VolumeSpec("data", VolumeSpec.Kind.HOST, "/srv/data", false, true, 0755, 0, 0), v);
    }

    @Test
    void hostVolumeReadOnlyNotRecursive() {
        VolumeSpec v = VolumeSpec.parse("data,kind=host,source=/srv,readOnly=true,recursive=false");
        assertTrue(v.readOnly());
        assertEquals(false, v.recursive());
    }

    @Test
    void emptyVolumeWithModeAndOwner() {
        assertEquals(new VolumeSpec("scratch", VolumeSpec.Kind.EMPTY, null, false, true, 01777, 1000, 100),
            VolumeSpec.parse("scratch,kind=empty,mode=1777,uid=1000,gid=100"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Data,kind=host,source=/p           | --volume Data,kind=host,source=/p: volume name \"Data\" is not an AC Name",
        "data                               | --volume data: kind= is missing",
        "data,kind=nfs                      | --volume data,kind=nfs: unknown kind \"nfs\"",
        "data,kind=host                     | --volume data,kind=host: kind=host needs source=",
        "data,kind=host,source=rel          | --volume data,kind=host,source=rel: source \"rel\" is not an absolute path",
        "data,kind=host,source=/p,readOnly=yes | --volume data,kind=host,source=/p,readOnly=yes: readOnly=\"yes\" is not true or false",
        "data,kind=empty,mode=999           | --volume data,kind=empty,mode=999: mode=\"999\" is not an octal mode",
        "data,kind=empty,uid=-1             | --volume data,kind=empty,uid=-1: uid=\"-1\" is not a number",
        "data,kind=empty,source=/p          | --volume data,kind=empty,source=/p: source= applies to kind=host only",
        "data,kind=host,source=/p,mode=0700 | --volume data,kind=host,source=/p,mode=0700: mode, uid and gid apply to kind=empty only",
        "data,kind=empty,colour=red         | --volume data,kind=empty,colour=red: unknown key \"colour\"",
        "data,kind=empty,oops               | --volume data,kind=empty,oops: \"oops\" is not key=value",
    })
    void badVolumesNameTheFlagAndThePart(String value, String messageStart) {
        JrktException e = assertThrows(JrktException.class, () -> VolumeSpec.parse(value));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void mount() {
        assertEquals(new MountSpec("data", "/var/data"), MountSpec.parse("volume=data,target=/var/data"));
        assertEquals(new MountSpec("data", "/var/data"), MountSpec.parse("target=/var/data,volume=data"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "target=/x                   | --mount target=/x: volume= is missing",
        "volume=data                 | --mount volume=data: target= is missing",
        "volume=data,target=x        | --mount volume=data,target=x: target \"x\" is not an absolute path",
        "volume=data,target=/x,ro=1  | --mount volume=data,target=/x,ro=1: unknown key \"ro\"",
        "volume=Data,target=/x       | --mount volume=Data,target=/x: volume name \"Data\" is not an AC Name",
    })
    void badMounts(String value, String messageStart) {
        JrktException e = assertThrows(JrktException.class, () -> MountSpec.parse(value));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "example.com/busybox, busybox",
        "quay.io/coreos/etcd, etcd",
        "nginx, nginx",
        "example.com/My_App.v2, my-app-v2",
        "example.com/--x--, x",
        "example.com/___, app",
    })
    void appNameFromImageName(String image, String name) {
        assertEquals(name, Names.fromImageName(image));
    }

    @Test
    void anAppNameDoesNotDependOnTheHostsLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR")); // where "I".toLowerCase() is a dotless ı
            assertEquals("image-io", Names.fromImageName("example.com/IMAGE.IO"));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void sameImageTwiceIsNumbered() {
        assertEquals(List.of("busybox", "busybox-1", "busybox-2", "etcd"),
            Names.assign(List.of("a/busybox", "b/busybox", "busybox", "etcd"), java.util.Arrays.asList(null, null, null, null)));
    }

    @Test
    void explicitNamesWinAndAreAvoided() {
        assertEquals(List.of("busybox-1", "busybox", "web"),
            Names.assign(List.of("busybox", "x/other", "busybox"), java.util.Arrays.asList(null, "busybox", "web")));
    }

    @Test
    void badOrDuplicateExplicitNames() {
        assertEquals("--name Web: not an AC Name (lowercase a-z, 0-9 and -)",
            assertThrows(JrktException.class, () -> Names.assign(List.of("a"), List.of("Web"))).getMessage());
        assertEquals("--name web: two apps have this name",
            assertThrows(JrktException.class, () -> Names.assign(List.of("a", "b"), List.of("web", "web"))).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1=db.local        | 10.0.0.1 db.local",
        "::1=six                  | ::1 six",
        "host                     | host",
    })
    void hostsEntries(String value, String line) {
        assertEquals(line, HostsEntries.parse(value));
    }

    @Test
    void badHostsEntries() {
        assertEquals("--hosts-entry db: expected IP=HOSTNAME or host",
            assertThrows(JrktException.class, () -> HostsEntries.parse("db")).getMessage());
        assertEquals("--hosts-entry db.local=10.0.0.1: \"db.local\" is not an IP address",
            assertThrows(JrktException.class, () -> HostsEntries.parse("db.local=10.0.0.1")).getMessage());
    }

    @Test
    void hostsFileHasLocalhostHostnameAndEntries() {
        String text = HostsEntries.render("jrkt-1", List.of("10.0.0.1 db"));
        assertTrue(text.contains("127.0.0.1 localhost"));
        assertTrue(text.contains("127.0.1.1 jrkt-1\n"));
        assertTrue(text.endsWith("10.0.0.1 db\n"));
        assertEquals(null, HostsEntries.render("jrkt-1", List.of("host")));
    }

    @Test
    void dnsModes() {
        assertEquals(DnsConfig.HOST, DnsConfig.fromFlags(List.of(), List.of(), List.of(), null, NetMode.HOST));
        assertEquals(DnsConfig.IMAGE, DnsConfig.fromFlags(List.of(), List.of(), List.of(), null, NetMode.NONE));
        assertEquals(DnsConfig.HOST, DnsConfig.fromFlags(List.of("host"), List.of(), List.of(), null, NetMode.NONE));
        assertEquals(DnsConfig.IMAGE, DnsConfig.fromFlags(List.of("none"), List.of(), List.of(), null, NetMode.HOST));
        DnsConfig d = DnsConfig.fromFlags(List.of("8.8.8.8", "2001:4860:4860::8888"), List.of("example.com"), List.of("ndots:2"), "corp", NetMode.NONE);
        assertEquals("# written by jrkt\nnameserver 8.8.8.8\nnameserver 2001:4860:4860::8888\ndomain corp\nsearch example.com\noptions ndots:2\n", d.render());
        assertEquals("--dns=dns.google: not an IP address (or host, none)",
            assertThrows(JrktException.class, () -> DnsConfig.fromFlags(List.of("dns.google"), List.of(), List.of(), null, NetMode.NONE)).getMessage());
        assertEquals("--dns-search=a b: must be one word without spaces, '#' or ';'",
            assertThrows(JrktException.class, () -> DnsConfig.fromFlags(List.of("1.1.1.1"), List.of("a b"), List.of(), null, NetMode.NONE)).getMessage());
    }

    @Test
    void withoutNetThePodIsOnTheDefaultNetworkWhoseDnsItsAppsGet() {
        NetworkConfigs configs = new NetworkConfigs(Path.of("/nonexistent"), Path.of("/nonexistent"), Path.of("/nonexistent"));
        NetMode net = NetMode.fromFlags(List.of(), List.of("http:8080"), configs);
        assertEquals(List.of("default"), net.networks().stream().map(NetworkConfigs.SelectedNetwork::name).toList());
        assertEquals(List.of(PortForward.parse("http:8080")), net.ports());
        assertEquals(DnsConfig.NETWORK, DnsConfig.fromFlags(List.of(), List.of(), List.of(), null, net));
        assertEquals(DnsConfig.IMAGE, DnsConfig.fromFlags(List.of("none"), List.of(), List.of(), null, net), "--dns=none ignores the networks' DNS");
        assertEquals(NetMode.HOST, NetMode.fromFlags(List.of("host"), List.of(), configs));
        assertEquals(NetMode.NONE, NetMode.fromFlags(List.of("none"), List.of(), configs));
        assertEquals("--port needs a CNI network (e.g. --net=default); with --net=none the pod has no network to forward to",
            assertThrows(JrktException.class, () -> NetMode.fromFlags(List.of("none"), List.of("http:80"), configs)).getMessage());
        assertEquals("--port needs a CNI network (e.g. --net=default); with --net=host the apps use the host's ports directly",
            assertThrows(JrktException.class, () -> NetMode.fromFlags(List.of("host"), List.of("http:80"), configs)).getMessage());
    }

    @Test
    void supplementaryGids() {
        assertEquals(List.of(10, 20), Users.parseGids("10,20"));
        assertEquals(List.of(), Users.parseGids(""));
        assertEquals("--supplementary-gids 10,x: \"x\" is not a group id",
            assertThrows(JrktException.class, () -> Users.parseGids("10,x")).getMessage());
    }
}
