package jrkt.core.image.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jrkt.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageManifestTest {
    // The grammars the hand-written checks implement, as regexes: the oracle they must agree with.
    private static final java.util.regex.Pattern SEMVER = java.util.regex.Pattern.compile(
        "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
        + "(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?"
        + "(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
    private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final java.util.regex.Pattern IMAGE_ID = java.util.regex.Pattern.compile("sha512-[0-9a-f]{1,128}");

    @Test
    void theWrittenOutChecksAgreeWithTheGrammarsOnEveryStringOfTheirAlphabet() {
        List<String> semver = new java.util.ArrayList<>(List.of("0.8.11", "1.0.0-rc.1+build.5", "0.0.0", "0.0.1", "01.2.3",
            "1.02.3", "1.2", "1.2.3.4", "1.2.3-", "1.2.3-01", "1.2.3-0a", "1.2.3-a..b", "1.2.3+", "1.2.3+b.", "1.2.3-a+b+c",
            "1.2.3--", "1.2.3-0", "1.2.3-x-y.7", "v1.2.3", "", "1..3", "1.2.3+001", "1.2.3-α"));
        java.util.Random random = new java.util.Random(11); // the same strings every run
        String alphabet = "0123.-+a0Z";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int len = random.nextInt(12); len > 0; len--) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            semver.add(b.toString());
        }
        for (String v : semver) {
            assertEquals(SEMVER.matcher(v).matches() && !v.equals("0.0.0"), ImageManifest.isSemVer(v), "semver " + v);
        }
        String envAlphabet = "aZ_9.-$ é";
        for (int n = 0; n < 5_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int len = random.nextInt(5); len > 0; len--) b.append(envAlphabet.charAt(random.nextInt(envAlphabet.length())));
            String v = b.toString();
            assertEquals(ENV_NAME.matcher(v).matches(), ImageManifest.isEnvName(v), "environment name " + v);
        }
        for (String v : List.of("sha512-", "sha512-0", "sha512-abc", "sha512-ABC", "sha512-" + "a".repeat(128),
                "sha512-" + "a".repeat(129), "sha256-abc", "sha512-abg", "sha512abc", "")) {
            assertEquals(IMAGE_ID.matcher(v).matches(), ImageManifest.isImageId(v), "image ID " + v);
        }
    }


    // Test JSON is written with ' for " to stay readable.
    static String top(String members) {
        String extra = members.isEmpty() ? "" : "," + members;
        return ("{'acKind':'ImageManifest','acVersion':'0.8.11','name':'example.com/app'" + extra + "}").replace('\'', '"');
    }

    static String app(String members) {
        String extra = members.isEmpty() ? "" : "," + members;
        return top("'app':{'exec':['/bin/sh'],'user':'0','group':'0'" + extra + "}");
    }

    static String isolator(String name, String value) {
        return app("'isolators':[{'name':'" + name + "','value':" + value + "}]");
    }

    static ImageManifest parse(String json) {
        return ImageManifest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                // top level
                Arguments.of("minimal", top("")),
                Arguments.of("semver with pre-release and build", top("").replace("0.8.11", "1.0.0-rc.1+build.5")),
                Arguments.of("unknown top-level fields are kept, not refused", top("'x-extra':{'a':1}")),
                // labels
                Arguments.of("labels", top("'labels':[{'name':'version','value':'1.0.0'},{'name':'os','value':'linux'},{'name':'arch','value':'aarch64'}]")),
                Arguments.of("freebsd/arm", top("'labels':[{'name':'os','value':'freebsd'},{'name':'arch','value':'arm'}]")),
                Arguments.of("darwin/x86_64", top("'labels':[{'name':'os','value':'darwin'},{'name':'arch','value':'x86_64'}]")),
                Arguments.of("arch without os is not checked (appc)", top("'labels':[{'name':'arch','value':'sparc'}]")),
                Arguments.of("label value free text", top("'labels':[{'name':'example.com/env','value':'canary build, 2'}]")),
                // app
                Arguments.of("app without exec", top("'app':{'user':'0','group':'0'}")),
                Arguments.of("app null is no app", top("'app':null")),
                Arguments.of("bare command looked up in PATH", app("").replace("/bin/sh", "sh")),
                Arguments.of("user as path", top("'app':{'user':'/usr/bin/ping','group':'nogroup'}")),
                Arguments.of("supplementaryGIDs", app("'supplementaryGIDs':[400,500]")),
                Arguments.of("supplementaryGids spelling of the example", app("'supplementaryGids':[0]")),
                Arguments.of("workingDirectory", app("'workingDirectory':'/opt/work'")),
                Arguments.of("empty workingDirectory means unset", app("'workingDirectory':''")),
                Arguments.of("environment", app("'environment':[{'name':'REDUCE_WORKER_DEBUG','value':'true'},{'name':'a.b-c','value':''},{'name':'_x','value':'=='}]")),
                Arguments.of("eventHandlers", app("'eventHandlers':[{'name':'pre-start','exec':['/bin/true']},{'name':'post-stop','exec':['/bin/echo','bye']}]")),
                Arguments.of("mountPoints", app("'mountPoints':[{'name':'work','path':'/var/lib/work','readOnly':true},{'name':'cache-1','path':'/cache'}]")),
                Arguments.of("ports", app("'ports':[{'name':'health','port':4000,'protocol':'tcp','socketActivated':true},{'name':'ftp-data','port':20000,'count':1000,'protocol':'tcp'}]")),
                Arguments.of("port range ending at 65535", app("'ports':[{'name':'top','port':65535,'count':1,'protocol':'udp'}]")),
                Arguments.of("port count 0 means 1", app("'ports':[{'name':'p','port':80,'count':0,'protocol':'tcp'}]")),
                Arguments.of("userAnnotations/userLabels", app("'userAnnotations':{'Any Key':'v'},'userLabels':{'k':'v'}")),
                // isolators
                Arguments.of("resource/cpu", isolator("resource/cpu", "{'request':'250m','limit':'500m'}")),
                Arguments.of("resource/cpu plain", isolator("resource/cpu", "{'limit':'1'}")),
                Arguments.of("resource/memory", isolator("resource/memory", "{'request':'1G','limit':'2Gi'}")),
                Arguments.of("resource/memory limit only", isolator("resource/memory", "{'limit':'512M'}")),
                Arguments.of("resource/memory number", isolator("resource/memory", "{'limit':100}")),
                Arguments.of("resource/memory decimal", isolator("resource/memory", "{'limit':'0.5Gi'}")),
                Arguments.of("resource/network-bandwidth", isolator("resource/network-bandwidth", "{'default':true,'limit':'1G'}")),
                Arguments.of("capabilities-retain-set", isolator("os/linux/capabilities-retain-set", "{'set':['CAP_NET_ADMIN','CAP_NET_BIND_SERVICE']}")),
                Arguments.of("capabilities-remove-set", isolator("os/linux/capabilities-remove-set", "{'set':['CAP_SYS_CHROOT','CAP_MKNOD']}")),
                Arguments.of("no-new-privileges", isolator("os/linux/no-new-privileges", "true")),
                Arguments.of("seccomp-remove-set", isolator("os/linux/seccomp-remove-set", "{'errno':'ENOTSUP','set':['clock_adjtime','reboot']}")),
                Arguments.of("seccomp-retain-set empty errno", isolator("os/linux/seccomp-retain-set", "{'errno':'','set':['@appc.io/all']}")),
                Arguments.of("oom-score-adj", isolator("os/linux/oom-score-adj", "-1000")),
                Arguments.of("cpu-shares", isolator("os/linux/cpu-shares", "262144")),
                Arguments.of("selinux-context", isolator("os/linux/selinux-context", "{'user':'system_u','role':'system_r','type':'dhcpc_t','level':'s0:c1'}")),
                Arguments.of("apparmor-profile", isolator("os/linux/apparmor-profile", "{'profile':'rkt-default'}")),
                Arguments.of("sysctl", isolator("os/unix/sysctl", "{'net.ipv4.tcp_mtu_probing':'1'}")),
                Arguments.of("unknown isolator is opaque", isolator("example.com/whatever", "[1,'two',{}]")),
                Arguments.of("two resource isolators of a kind", app("'isolators':[{'name':'resource/cpu','value':{'limit':'1'}},{'name':'resource/cpu','value':{'limit':'2'}}]")),
                // dependencies
                Arguments.of("dependencies", top("'dependencies':[{'imageName':'example.com/base','imageID':'sha512-" + "ab".repeat(64)
                        + "','labels':[{'name':'os','value':'linux'}],'size':22017258},{'imageName':'example.com/other'}]")),
                Arguments.of("dependency ID prefix", top("'dependencies':[{'imageName':'b','imageID':'sha512-0f'}]")),
                // pathWhitelist
                Arguments.of("pathWhitelist", top("'pathWhitelist':['/etc/ca/example.com/crt','/etc/systemd/system/']")),
                Arguments.of("empty pathWhitelist", top("'pathWhitelist':[]")),
                // annotations
                Arguments.of("annotations", top("'annotations':[{'name':'authors','value':'Carly <c@example.com>'},"
                        + "{'name':'created','value':'2014-10-27T19:32:27.67021798Z'},{'name':'documentation','value':'https://example.com/docs'},"
                        + "{'name':'homepage','value':'http://example.com'},{'name':'appc.io/executor/supports-systemd-notify','value':'false'}]")),
                Arguments.of("created with offset", top("'annotations':[{'name':'created','value':'2015-05-18T13:49:28.351729952-04:00'}]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptsValidManifests(String what, String json) {
        ImageManifest m = parse(json);
        assertEquals("example.com/app", m.name());
        assertEquals(Json.parse(json), m.toJson());
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                // document and top level
                Arguments.of(top("").replace("}", ""), "manifest: invalid JSON at offset"),
                Arguments.of("[]", "manifest: must be a JSON object but is an array"),
                Arguments.of(top("").replace("'ImageManifest'".replace('\'', '"'), "\"PodManifest\""), "manifest: acKind \"PodManifest\" must be \"ImageManifest\""),
                Arguments.of("{\"acVersion\":\"0.8.11\",\"name\":\"a\"}", "manifest: acKind is required"),
                Arguments.of(top("").replace("0.8.11", "0.8"), "manifest: acVersion \"0.8\" is not a semantic version"),
                Arguments.of(top("").replace("0.8.11", "01.2.3"), "acVersion \"01.2.3\""),
                Arguments.of(top("").replace("0.8.11", "0.0.0"), "acVersion \"0.0.0\""),
                Arguments.of(top("").replace("\"0.8.11\"", "8"), "manifest: acVersion must be a string but is a number"),
                Arguments.of("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\"}", "manifest: name is required"),
                Arguments.of(top("").replace("example.com/app", "Example.com/App"), "manifest: name \"Example.com/App\" is not an AC Identifier"),
                Arguments.of(top("").replace("example.com/app", "example.com/app/"), "manifest: name \"example.com/app/\" is not an AC Identifier"),
                Arguments.of(top("").replace("example.com/app", ""), "manifest: name \"\" is not an AC Identifier"),
                // labels
                Arguments.of(top("'labels':{'os':'linux'}"), "manifest: labels must be an array but is an object"),
                Arguments.of(top("'labels':[{'name':'OS','value':'linux'}]"), "manifest: labels[0].name \"OS\" is not an AC Identifier"),
                Arguments.of(top("'labels':[{'name':'name','value':'x'}]"), "manifest: labels[0].name \"name\" is not allowed"),
                Arguments.of(top("'labels':[{'name':'version','value':'1'},{'name':'version','value':'2'}]"), "manifest: labels[1].name \"version\" duplicates labels[0].name"),
                Arguments.of(top("'labels':[{'name':'version'}]"), "manifest: labels[0].value is required"),
                Arguments.of(top("'labels':[{'name':'version','value':1}]"), "manifest: labels[0].value must be a string but is a number"),
                Arguments.of(top("'labels':[{'name':'os','value':'windows'}]"), "manifest: labels[0].value \"windows\" is not a supported os (linux, freebsd, darwin)"),
                Arguments.of(top("'labels':[{'name':'arch','value':'x86_64'},{'name':'os','value':'linux'}]"), "manifest: labels[0].value \"x86_64\" is not a supported arch for os linux"),
                Arguments.of(top("'labels':[{'name':'os','value':'darwin'},{'name':'arch','value':'amd64'}]"), "manifest: labels[1].value \"amd64\" is not a supported arch for os darwin"),
                // app
                Arguments.of(top("'app':[]"), "manifest: app must be an object but is an array"),
                Arguments.of(app("").replace("/bin/sh", "bin/sh"), "manifest: app.exec[0] \"bin/sh\" must be an absolute path"),
                Arguments.of(app("").replace("/bin/sh", ""), "manifest: app.exec[0] must not be empty"),
                Arguments.of(app("").replace("'/bin/sh'".replace('\'', '"'), "\"/bin/sh\",3"), "manifest: app.exec[1] must be a string but is a number"),
                Arguments.of(app("").replace("[\"/bin/sh\"]", "\"/bin/sh\""), "manifest: app.exec must be an array but is a string"),
                Arguments.of(top("'app':{'group':'0'}"), "manifest: app.user is required"),
                Arguments.of(top("'app':{'user':'0','group':''}"), "manifest: app.group must not be empty"),
                Arguments.of(app("'supplementaryGIDs':[1,'2']"), "manifest: app.supplementaryGIDs[1] must be an integer but is a string"),
                Arguments.of(app("'supplementaryGIDs':[-1]"), "manifest: app.supplementaryGIDs[0] -1 must be between 0 and"),
                Arguments.of(app("'supplementaryGids':[1.5]"), "manifest: app.supplementaryGids[0] 1.5 must be an integer"),
                Arguments.of(app("'workingDirectory':'opt/work'"), "manifest: app.workingDirectory \"opt/work\" must be an absolute path"),
                Arguments.of(app("'environment':[{'name':'','value':'x'}]"), "manifest: app.environment[0].name must not be empty"),
                Arguments.of(app("'environment':[{'name':'A=B','value':'x'}]"), "manifest: app.environment[0].name \"A=B\" is not a valid environment variable name"),
                Arguments.of(app("'environment':[{'name':'1A','value':'x'}]"), "manifest: app.environment[0].name \"1A\" is not a valid environment variable name"),
                Arguments.of(app("'environment':[{'name':'A','value':'x'},{'name':'A','value':'y'}]"), "manifest: app.environment[1].name \"A\" duplicates app.environment[0].name"),
                Arguments.of(app("'environment':[{'name':'A'}]"), "manifest: app.environment[0].value is required"),
                Arguments.of(app("'eventHandlers':[{'name':'post-start','exec':['/x']}]"), "manifest: app.eventHandlers[0].name \"post-start\" must be \"pre-start\" or \"post-stop\""),
                Arguments.of(app("'eventHandlers':[{'name':'pre-start','exec':[]}]"), "manifest: app.eventHandlers[0].exec must not be empty"),
                Arguments.of(app("'eventHandlers':[{'name':'pre-start'}]"), "manifest: app.eventHandlers[0].exec is required"),
                Arguments.of(app("'eventHandlers':[{'name':'pre-start','exec':['./x']}]"), "manifest: app.eventHandlers[0].exec[0] \"./x\" must be an absolute path"),
                Arguments.of(app("'eventHandlers':[{'name':'pre-start','exec':['/a']},{'name':'pre-start','exec':['/b']}]"), "manifest: app.eventHandlers[1].name \"pre-start\" duplicates app.eventHandlers[0].name"),
                Arguments.of(app("'mountPoints':[{'name':'Work','path':'/w'}]"), "manifest: app.mountPoints[0].name \"Work\" is not an AC Name"),
                Arguments.of(app("'mountPoints':[{'name':'a.b','path':'/w'}]"), "manifest: app.mountPoints[0].name \"a.b\" is not an AC Name"),
                Arguments.of(app("'mountPoints':[{'name':'w','path':'w'}]"), "manifest: app.mountPoints[0].path \"w\" must be an absolute path"),
                Arguments.of(app("'mountPoints':[{'name':'w'}]"), "manifest: app.mountPoints[0].path is required"),
                Arguments.of(app("'mountPoints':[{'name':'w','path':'/w','readOnly':'yes'}]"), "manifest: app.mountPoints[0].readOnly must be a boolean but is a string"),
                Arguments.of(app("'mountPoints':[{'name':'w','path':'/a'},{'name':'w','path':'/b'}]"), "manifest: app.mountPoints[1].name \"w\" duplicates app.mountPoints[0].name"),
                Arguments.of(app("'ports':[{'name':'http_1','port':80,'protocol':'tcp'}]"), "manifest: app.ports[0].name \"http_1\" is not an AC Name"),
                Arguments.of(app("'ports':[{'name':'http','port':80}]"), "manifest: app.ports[0].protocol is required"),
                Arguments.of(app("'ports':[{'name':'http','port':80,'protocol':''}]"), "manifest: app.ports[0].protocol must not be empty"),
                Arguments.of(app("'ports':[{'name':'http','port':0,'protocol':'tcp'}]"), "manifest: app.ports[0].port 0 must be between 1 and 65535"),
                Arguments.of(app("'ports':[{'name':'http','port':65536,'protocol':'tcp'}]"), "manifest: app.ports[0].port 65536 must be between 1 and 65535"),
                Arguments.of(app("'ports':[{'name':'http','protocol':'tcp'}]"), "manifest: app.ports[0].port is required"),
                Arguments.of(app("'ports':[{'name':'r','port':65000,'count':600,'protocol':'tcp'}]"), "manifest: app.ports[0].count 600 makes the range 65000-65599 end past port 65535"),
                Arguments.of(app("'ports':[{'name':'r','port':80,'count':-1,'protocol':'tcp'}]"), "manifest: app.ports[0].count -1 must be between"),
                Arguments.of(app("'ports':[{'name':'r','port':80,'protocol':'tcp','socketActivated':1}]"), "manifest: app.ports[0].socketActivated must be a boolean"),
                Arguments.of(app("'ports':[{'name':'a','port':80,'protocol':'tcp'},{'name':'a','port':81,'protocol':'tcp'}]"), "manifest: app.ports[1].name \"a\" duplicates app.ports[0].name"),
                Arguments.of(app("'userLabels':{'k':1}"), "manifest: app.userLabels.k must be a string but is a number"),
                // isolators
                Arguments.of(isolator("Resource/CPU", "{}"), "manifest: app.isolators[0].name \"Resource/CPU\" is not an AC Identifier"),
                Arguments.of(app("'isolators':[{'name':'resource/cpu'}]"), "manifest: app.isolators[0].value is required"),
                Arguments.of(isolator("resource/cpu", "'1'"), "manifest: app.isolators[0].value must be an object but is a string"),
                Arguments.of(isolator("resource/cpu", "{'limit':'1x'}"), "manifest: app.isolators[0].value.limit \"1x\" is not a quantity (like 500m, 1G, 512Mi): it has an unknown suffix \"x\""),
                Arguments.of(isolator("resource/cpu", "{'request':'-1'}"), "manifest: app.isolators[0].value.request \"-1\" is not a quantity"),
                Arguments.of(isolator("resource/cpu", "{'limit':'','default':false}"), "manifest: app.isolators[0].value.limit \"\" is not a quantity"),
                Arguments.of(isolator("resource/memory", "{'limit':'m'}"), "manifest: app.isolators[0].value.limit \"m\" is not a quantity"),
                Arguments.of(isolator("resource/memory", "{'limit':true}"), "manifest: app.isolators[0].value.limit must be a quantity string but is a boolean"),
                Arguments.of(isolator("resource/memory", "{'limit':-5}"), "manifest: app.isolators[0].value.limit -5 must not be negative"),
                Arguments.of(isolator("resource/memory", "{'default':true,'limit':'1G'}"), "manifest: app.isolators[0].value.default must be false for resource/memory"),
                Arguments.of(isolator("resource/block-iops", "{'limit':'1000'}"), "manifest: app.isolators[0].value.default must be true for resource/block-iops"),
                Arguments.of(isolator("resource/block-bandwidth", "{'default':true,'request':'1M','limit':'2M'}"), "manifest: app.isolators[0].value.request is not supported by resource/block-bandwidth"),
                Arguments.of(isolator("os/linux/capabilities-retain-set", "{'set':[]}"), "manifest: app.isolators[0].value.set must not be empty"),
                Arguments.of(isolator("os/linux/capabilities-retain-set", "{}"), "manifest: app.isolators[0].value.set is required"),
                Arguments.of(isolator("os/linux/capabilities-remove-set", "{'set':['CAP_CHOWN','CAP_FLY']}"), "manifest: app.isolators[0].value.set[1] \"CAP_FLY\" is not a Linux capability"),
                Arguments.of(isolator("os/linux/capabilities-remove-set", "{'set':['cap_chown']}"), "manifest: app.isolators[0].value.set[0] \"cap_chown\" is not a Linux capability"),
                Arguments.of(app("'isolators':[{'name':'os/linux/capabilities-remove-set','value':{'set':['CAP_CHOWN']}},"
                        + "{'name':'os/linux/capabilities-retain-set','value':{'set':['CAP_KILL']}}]"),
                        "manifest: app.isolators[1].name \"os/linux/capabilities-retain-set\" cannot be combined with \"os/linux/capabilities-remove-set\" (app.isolators[0])"),
                Arguments.of(isolator("os/linux/no-new-privileges", "'true'"), "manifest: app.isolators[0].value must be a boolean but is a string"),
                Arguments.of(isolator("os/linux/seccomp-retain-set", "{'set':[]}"), "manifest: app.isolators[0].value.set must not be empty"),
                Arguments.of(isolator("os/linux/seccomp-retain-set", "{'set':['read','Write']}"), "manifest: app.isolators[0].value.set[1] \"Write\" is not a syscall name"),
                Arguments.of(isolator("os/linux/seccomp-remove-set", "{'set':['reboot'],'errno':'eperm'}"), "manifest: app.isolators[0].value.errno \"eperm\" is not an errno name"),
                Arguments.of(isolator("os/linux/seccomp-remove-set", "{'set':['reboot'],'errno':'PERM'}"), "manifest: app.isolators[0].value.errno \"PERM\" is not an errno name"),
                Arguments.of(app("'isolators':[{'name':'os/linux/seccomp-remove-set','value':{'set':['reboot']}},"
                        + "{'name':'os/linux/seccomp-remove-set','value':{'set':['kexec_load']}}]"),
                        "manifest: app.isolators[1].name \"os/linux/seccomp-remove-set\" may be given only once (see app.isolators[0])"),
                Arguments.of(app("'isolators':[{'name':'os/linux/seccomp-retain-set','value':{'set':['read']}},"
                        + "{'name':'os/linux/seccomp-remove-set','value':{'set':['reboot']}}]"),
                        "manifest: app.isolators[1].name \"os/linux/seccomp-remove-set\" cannot be combined with \"os/linux/seccomp-retain-set\""),
                Arguments.of(isolator("os/linux/oom-score-adj", "1001"), "manifest: app.isolators[0].value 1001 must be between -1000 and 1000"),
                Arguments.of(isolator("os/linux/oom-score-adj", "'5'"), "manifest: app.isolators[0].value must be an integer but is a string"),
                Arguments.of(isolator("os/linux/cpu-shares", "1"), "manifest: app.isolators[0].value 1 must be between 2 and 262144"),
                Arguments.of(isolator("os/linux/cpu-shares", "262145"), "manifest: app.isolators[0].value 262145 must be between 2 and 262144"),
                Arguments.of(isolator("os/linux/selinux-context", "{'user':'a:b','role':'r','type':'t','level':'s0'}"), "manifest: app.isolators[0].value.user \"a:b\" must not contain ':'"),
                Arguments.of(isolator("os/linux/selinux-context", "{'user':'u','role':'r','type':'t'}"), "manifest: app.isolators[0].value.level is required"),
                Arguments.of(isolator("os/linux/apparmor-profile", "{'profile':''}"), "manifest: app.isolators[0].value.profile must not be empty"),
                Arguments.of(isolator("os/unix/sysctl", "{'net.core.somaxconn':1024}"), "manifest: app.isolators[0].value.net.core.somaxconn must be a string but is a number"),
                // dependencies
                Arguments.of(top("'dependencies':[{'imageID':'sha512-ab'}]"), "manifest: dependencies[0].imageName is required"),
                Arguments.of(top("'dependencies':[{'imageName':'Base'}]"), "manifest: dependencies[0].imageName \"Base\" is not an AC Identifier"),
                Arguments.of(top("'dependencies':[{'imageName':'b','imageID':'sha256-abcd'}]"), "manifest: dependencies[0].imageID \"sha256-abcd\" is not an image ID"),
                Arguments.of(top("'dependencies':[{'imageName':'b','imageID':'sha512-'}]"), "manifest: dependencies[0].imageID \"sha512-\" is not an image ID"),
                Arguments.of(top("'dependencies':[{'imageName':'b','imageID':'sha512-ABCD'}]"), "manifest: dependencies[0].imageID \"sha512-ABCD\" is not an image ID"),
                Arguments.of(top("'dependencies':[{'imageName':'b','size':-1}]"), "manifest: dependencies[0].size -1 must be between 0 and"),
                Arguments.of(top("'dependencies':[{'imageName':'b','labels':[{'name':'os','value':'plan9'}]}]"), "manifest: dependencies[0].labels[0].value \"plan9\" is not a supported os"),
                Arguments.of(top("'dependencies':[{'imageName':'b','labels':[{'name':'a','value':'1'},{'name':'a','value':'2'}]}]"), "manifest: dependencies[0].labels[1].name \"a\" duplicates dependencies[0].labels[0].name"),
                Arguments.of(top("'dependencies':['b']"), "manifest: dependencies[0] must be an object but is a string"),
                // pathWhitelist
                Arguments.of(top("'pathWhitelist':['/etc/a','etc/b']"), "manifest: pathWhitelist[1] \"etc/b\" must be an absolute path"),
                Arguments.of(top("'pathWhitelist':[null]"), "manifest: pathWhitelist[0] must be a string but is null"),
                // annotations
                Arguments.of(top("'annotations':[{'name':'Authors','value':'x'}]"), "manifest: annotations[0].name \"Authors\" is not an AC Identifier"),
                Arguments.of(top("'annotations':[{'name':'authors','value':'x'},{'name':'authors','value':'y'}]"), "manifest: annotations[1].name \"authors\" duplicates annotations[0].name"),
                Arguments.of(top("'annotations':[{'name':'created','value':'2014-10-27 19:32:27Z'}]"), "manifest: annotations[0].value \"2014-10-27 19:32:27Z\" is not an RFC 3339 timestamp"),
                Arguments.of(top("'annotations':[{'name':'created','value':'2014-13-27T19:32:27Z'}]"), "manifest: annotations[0].value \"2014-13-27T19:32:27Z\" is not an RFC 3339 timestamp"),
                Arguments.of(top("'annotations':[{'name':'created','value':'2014-10-27T19:32Z'}]"), "manifest: annotations[0].value \"2014-10-27T19:32Z\" is not an RFC 3339 timestamp"),
                Arguments.of(top("'annotations':[{'name':'homepage','value':'ftp://example.com'}]"), "manifest: annotations[0].value \"ftp://example.com\" is not an http or https URL"),
                Arguments.of(top("'annotations':[{'name':'documentation','value':'example.com/docs'}]"), "manifest: annotations[0].value \"example.com/docs\" is not an http or https URL"),
                // control characters in a bad value are shown escaped, keeping the message on one line
                Arguments.of(top("'labels':[{'name':'a\\nb','value':'x'}]"), "manifest: labels[0].name \"a\\nb\" is not an AC Identifier"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejected")
    void rejectsInvalidManifestsNamingTheField(String json, String expected) {
        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> parse(json));
        assertTrue(e.getMessage().contains(expected), () -> "expected \"" + expected + "\" in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("manifest: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void modelsTheSpecExampleManifest() {
        String json = """
                {
                  "acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/reduce-worker",
                  "labels": [{"name": "version", "value": "1.0.0"}, {"name": "arch", "value": "amd64"}, {"name": "os", "value": "linux"}],
                  "app": {
                    "exec": ["/usr/bin/reduce-worker", "--quiet"], "user": "100", "group": "300",
                    "supplementaryGids": [400, 500],
                    "eventHandlers": [{"exec": ["/usr/bin/data-downloader"], "name": "pre-start"}],
                    "workingDirectory": "/opt/work",
                    "environment": [{"name": "REDUCE_WORKER_DEBUG", "value": "true"}],
                    "isolators": [{"name": "resource/memory", "value": {"request": "1G", "limit": "2G"}}],
                    "mountPoints": [{"name": "work", "path": "/var/lib/work", "readOnly": false}],
                    "ports": [{"name": "health", "port": 4000, "protocol": "tcp", "socketActivated": true},
                              {"name": "ftp-data", "port": 20000, "count": 1000, "protocol": "tcp"},
                              {"name": "dns", "port": 53, "protocol": "udp"}]
                  },
                  "dependencies": [{"imageName": "example.com/reduce-worker-base", "labels": [{"name": "env", "value": "canary"}], "size": 22017258}],
                  "pathWhitelist": ["/etc/reduce-worker.conf"],
                  "annotations": [{"name": "created", "value": "2014-10-27T19:32:27.67021798Z"}, {"name": "authors", "value": "Carly"}]
                }""";
        ImageManifest m = parse(json);
        assertEquals("ImageManifest", m.acKind());
        assertEquals("0.8.11", m.acVersion());
        assertEquals(List.of("version", "arch", "os"), List.copyOf(m.labels().keySet()));
        assertEquals("1.0.0", m.version());
        ImageManifest.App app = m.app();
        assertEquals(List.of("/usr/bin/reduce-worker", "--quiet"), app.exec());
        assertEquals("100", app.user());
        assertEquals("300", app.group());
        assertEquals(List.of(400, 500), app.supplementaryGids());
        assertEquals("/opt/work", app.workingDirectory());
        assertEquals(List.of(new ImageManifest.EnvVar("REDUCE_WORKER_DEBUG", "true")), app.environment());
        assertEquals(List.of(new ImageManifest.EventHandler("pre-start", List.of("/usr/bin/data-downloader"))), app.eventHandlers());
        assertEquals(List.of(new ImageManifest.MountPoint("work", "/var/lib/work", false)), app.mountPoints());
        assertEquals(List.of(new ImageManifest.Port("health", "tcp", 4000, 1, true),
                new ImageManifest.Port("ftp-data", "tcp", 20000, 1000, false),
                new ImageManifest.Port("dns", "udp", 53, 1, false)), app.ports());
        assertEquals(List.of(new ImageManifest.Isolator("resource/memory", Map.of("request", "1G", "limit", "2G"))), app.isolators());
        assertEquals(List.of(new ImageManifest.Dependency("example.com/reduce-worker-base", null, Map.of("env", "canary"), 22017258L)), m.dependencies());
        assertEquals(List.of("/etc/reduce-worker.conf"), m.pathWhitelist());
        assertEquals(List.of("created", "authors"), List.copyOf(m.annotations().keySet()));
        assertEquals(Json.parse(json), m.toJson());
    }

    @Test
    void imageWithoutAppHasDefaults() {
        ImageManifest m = parse(top(""));
        assertNull(m.app());
        assertNull(m.version());
        assertEquals(Map.of(), m.labels());
        assertEquals(List.of(), m.dependencies());
        assertEquals(List.of(), m.pathWhitelist());
        assertEquals(Map.of(), m.annotations());

        ImageManifest.App app = parse(top("'app':{'user':'u','group':'g'}")).app();
        assertEquals(List.of(), app.exec());
        assertNull(app.workingDirectory());
        assertEquals(List.of(), app.isolators());
    }

    @Test
    void modelIsUnmodifiable() {
        ImageManifest m = parse(top("'labels':[{'name':'version','value':'1'}]"));
        assertThrows(UnsupportedOperationException.class, () -> m.labels().put("os", "linux"));
        assertThrows(UnsupportedOperationException.class, () -> m.toJson().put("x", 1));
    }
}
