package jrkt.core.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormBodyTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    @Test
    void aUrlencodedFormDecodesPlusAndEscapesToTheExactBytes() throws Exception {
        Map<String, byte[]> f = FormBody.parse("application/x-www-form-urlencoded", b("content=a+b%2B%00%ff&uuid=x&other=ignored"));
        assertArrayEquals(new byte[] {'a', ' ', 'b', '+', 0, (byte) 0xff}, f.get("content"));
        assertArrayEquals(b("x"), f.get("uuid"));
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsUrlencodedAndEmptyValuesAreKept() throws Exception {
        Map<String, byte[]> f = FormBody.parse(null, b("content=&&uuid=u"));
        assertArrayEquals(new byte[0], f.get("content"));
        assertArrayEquals(b("u"), f.get("uuid"));
    }

    @Test
    void aFieldNamedTwiceABadEscapeOrAPairWithoutEqualsIsMalformed() {
        for (String body : new String[] {"content=a&content=b", "content=%4", "content=%zz", "content"}) {
            assertThrows(FormBody.MalformedFormException.class, () -> FormBody.parse(null, b(body)), body);
        }
    }

    @Test
    void aMultipartFormGivesEachPartByItsNameNotItsFilename() throws Exception {
        String body = "--XyZ\r\nContent-Disposition: form-data; filename=\"f.txt\"; name=\"content\"\r\nContent-Type: text/plain\r\n\r\n"
            + "line one\r\nline two\r\n--XyZ\r\nContent-Disposition: form-data; name=\"uuid\"\r\n\r\nu-1\r\n--XyZ--\r\n";
        Map<String, byte[]> f = FormBody.parse("multipart/form-data; boundary=XyZ", b(body));
        assertEquals("line one\r\nline two", new String(f.get("content"), StandardCharsets.ISO_8859_1));
        assertEquals("u-1", new String(f.get("uuid"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void aMultipartFormWithoutItsBoundaryOrClosingLineIsMalformed() {
        assertThrows(FormBody.MalformedFormException.class, () -> FormBody.parse("multipart/form-data", b("--a\r\n")));
        assertThrows(FormBody.MalformedFormException.class, () -> FormBody.parse("multipart/form-data; boundary=a",
            b("--a\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nno end")));
    }

    @Test
    void anotherContentTypeIsNotAForm() {
        FormBody.MalformedFormException e = assertThrows(FormBody.MalformedFormException.class,
            () -> FormBody.parse("application/json", b("{\"content\":\"x\"}")));
        assertEquals("the body must be a form: application/x-www-form-urlencoded or multipart/form-data", e.getMessage());
    }
}
