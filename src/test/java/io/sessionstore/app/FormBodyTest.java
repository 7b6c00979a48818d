package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormBodyTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    @Test
    void parse_encodedFields_decoded() throws Exception {
        assertEquals(Map.of("email", "o'brien+tag@example.com", "csrf", "a b", "x", ""),
                FormBody.parse("email=o%27brien%2Btag%40example.com&csrf=a+b&x"));
    }

    @Test
    void parse_emptyBody_noFields() throws Exception {
        assertEquals(Map.of(), FormBody.parse(""));
    }

    @Test
    void parse_repeatedField_firstValueWins() throws Exception {
        assertEquals(Map.of("csrf", "first"), FormBody.parse("csrf=first&csrf=second"));
    }

    @Test
    void parse_32Fields_accepted() throws Exception {
        assertEquals(32, FormBody.parse(fields(32)).size());
    }

    @Test
    void parse_33Fields_refusedWith400() {
        FormBody.RefusedException e = assertThrows(FormBody.RefusedException.class, () -> FormBody.parse(fields(33)));
        assertEquals(400, e.status());
        assertEquals("The form has too many fields.", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"email=%zz", "email=100%", "email=%4", "%G1=x"})
    void parse_badPercentEncoding_refusedWith400(String body) {
        FormBody.RefusedException e = assertThrows(FormBody.RefusedException.class, () -> FormBody.parse(body));
        assertEquals(400, e.status());
        assertEquals("The form is not correctly encoded.", e.getMessage());
    }

    @Test
    void read_declaredLengthOverCap_refusedWith413WithoutReadingTheBody() throws Exception {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getContentLengthLong()).thenReturn(FormBody.MAX_BYTES + 1L);
        when(request.getContentType()).thenReturn(FORM);

        FormBody.RefusedException e = assertThrows(FormBody.RefusedException.class, () -> FormBody.read(request));

        assertEquals(413, e.status());
        verify(request, never()).getInputStream();
        verify(request, never()).getReader();
    }

    @Test
    void read_chunkedBodyOverCap_refusedWith413() throws Exception {
        HttpServletRequest request = request(FORM, -1, "email=" + "a".repeat(FormBody.MAX_BYTES));
        FormBody.RefusedException e = assertThrows(FormBody.RefusedException.class, () -> FormBody.read(request));
        assertEquals(413, e.status());
    }

    @Test
    void read_bodyOfExactlyTheCap_accepted() throws Exception {
        String body = "email=" + "a".repeat(FormBody.MAX_BYTES - 6);
        HttpServletRequest request = request(FORM, body.length(), body);
        assertEquals(FormBody.MAX_BYTES - 6, FormBody.read(request).get("email").length());
    }

    @Test
    void read_formWithCharset_fieldsReturned() throws Exception {
        String body = "email=a%40b.co&csrf=t";
        HttpServletRequest request = request(FORM + "; charset=UTF-8", body.length(), body);
        assertEquals(Map.of("email", "a@b.co", "csrf", "t"), FormBody.read(request));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain", "multipart/form-data; boundary=x"})
    void read_otherContentType_refusedWith415(String type) throws Exception {
        HttpServletRequest request = request(type, 7, "email=x");
        FormBody.RefusedException e = assertThrows(FormBody.RefusedException.class, () -> FormBody.read(request));
        assertEquals(415, e.status());
        verify(request, never()).getInputStream();
    }

    @Test
    void read_noContentType_refusedWith415() throws Exception {
        HttpServletRequest request = request(null, 7, "email=x");
        FormBody.RefusedException e = assertThrows(FormBody.RefusedException.class, () -> FormBody.read(request));
        assertEquals(415, e.status());
    }

    private static String fields(int n) {
        return IntStream.range(0, n).mapToObj(i -> "f" + i + "=v").collect(Collectors.joining("&"));
    }

    private static HttpServletRequest request(String contentType, long length, String body) throws Exception {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getContentLengthLong()).thenReturn(length);
        when(request.getContentType()).thenReturn(contentType);
        when(request.getInputStream()).thenReturn(new BytesInputStream(body.getBytes(StandardCharsets.US_ASCII)));
        return request;
    }

    private static final class BytesInputStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BytesInputStream(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
        }
    }
}
