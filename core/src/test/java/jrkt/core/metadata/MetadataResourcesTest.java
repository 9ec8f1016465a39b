package jrkt.core.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.pod.prepare.PlanWriter;
import org.junit.jupiter.api.Test;

/** The resource table stage1 serves: every appc endpoint, its content type and body. */
class MetadataResourcesTest {
    /** The table's lines, fields decoded, comments left out. */
    static List<List<String>> lines(PlanWriter table) {
        List<List<String>> out = new ArrayList<>();
        for (String line : table.text().split("\n")) {
            if (line.startsWith("#")) continue;
            List<String> fields = new ArrayList<>();
            for (String f : line.split(" ")) fields.add(PlanWriter.decode(f));
            out.add(fields);
        }
        return out;
    }

    @Test
    void theTableHoldsEveryEndpointOfThePodAndOfEachApp() {
        Map<String, String> podAnnotations = new LinkedHashMap<>();
        podAnnotations.put("example.com/owner", "ops team");
        byte[] podManifest = "{\"acKind\":\"PodManifest\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] imageManifest = "{\"acKind\":\"ImageManifest\", \"name\":\"example.com/web\"}".getBytes(StandardCharsets.UTF_8);
        List<List<String>> t = lines(MetadataResources.build("0f0e0d0c-0000-4000-8000-000000000001", podManifest, podAnnotations,
            List.of(new MetadataResources.App("web", "sha512-abc", imageManifest, Map.of("build", "café")))));
        String p = "/acMetadata/v1";
        String ascii = "text/plain; charset=us-ascii";
        assertEquals(List.of(
            List.of("get", p + "/pod/uuid", ascii, "0f0e0d0c-0000-4000-8000-000000000001"),
            List.of("get", p + "/pod/manifest", "application/json", "{\"acKind\":\"PodManifest\"}\n"),
            List.of("get", p + "/pod/annotations/example.com/owner", ascii, "ops team"),
            List.of("get", p + "/pod/annotations", "application/json", "[{\"name\":\"example.com/owner\",\"value\":\"ops team\"}]"),
            List.of("get", p + "/apps/web/image/manifest", "application/json", new String(imageManifest, StandardCharsets.UTF_8)),
            List.of("get", p + "/apps/web/image/id", ascii, "sha512-abc"),
            List.of("get", p + "/apps/web/annotations/build", "text/plain; charset=utf-8", "café"),
            List.of("get", p + "/apps/web/annotations", "application/json", "[{\"name\":\"build\",\"value\":\"café\"}]"),
            List.of("sign", p + "/pod/hmac/sign"),
            List.of("verify", p + "/pod/hmac/verify")), t);
    }

    @Test
    void noAnnotationsAreAnEmptyListAndAValueHoldingANulHasNoEndpointOfItsOwn() {
        List<List<String>> t = lines(MetadataResources.build("0f0e0d0c-0000-4000-8000-000000000001", "{}".getBytes(StandardCharsets.UTF_8),
            Map.of("a", "x\0y"), List.of()));
        assertEquals(List.of("get", "/acMetadata/v1/pod/annotations", "application/json", "[{\"name\":\"a\",\"value\":\"x\\u0000y\"}]"),
            t.get(2));
        assertEquals(5, t.size(), t.toString());
    }

    @Test
    void theAppsAnnotationsInThePodManifestReplaceTheImagesOfTheSameName() {
        Map<String, String> image = new LinkedHashMap<>();
        image.put("a", "image");
        image.put("b", "image");
        assertEquals(Map.of("a", "image", "b", "pod", "c", "pod"), MetadataResources.merge(image, Map.of("b", "pod", "c", "pod")));
    }
}
