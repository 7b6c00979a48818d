package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class SessionResponseTest {

    private final HttpServletResponse wrapped = mock(HttpServletResponse.class);
    private final Runnable save = mock(Runnable.class);
    private final Runnable reset = mock(Runnable.class);
    private final SessionResponse response = new SessionResponse(wrapped, save, reset, UnaryOperator.identity());

    /** What reached the wrapped response, in order, with "save" where the session was saved. */
    private final List<String> events = new ArrayList<>();
    private final Runnable recordingSave = () -> events.add("save");

    @Test
    void reset_any_resetsTheWrappedResponseThenTellsTheRequest() {
        response.reset();
        InOrder order = inOrder(wrapped, reset);
        order.verify(wrapped).reset();
        order.verify(reset).run();
    }

    @Test
    void encodeUrlAndRedirectUrl_any_askTheRequestsSessionNotTheContainer() {
        SessionResponse encoding = new SessionResponse(wrapped, save, reset, url -> url + ";jsessionid=x");
        assertEquals("/a;jsessionid=x", encoding.encodeURL("/a"));
        assertEquals("/b;jsessionid=x", encoding.encodeRedirectURL("/b"));
        verifyNoInteractions(wrapped);
    }

    @Test
    void sendRedirect_any_savesFirst() throws IOException {
        response.sendRedirect("/next");
        InOrder order = inOrder(save, wrapped);
        order.verify(save).run();
        order.verify(wrapped).sendRedirect("/next");
    }

    @Test
    void sendRedirectWithStatus_any_savesFirst() throws IOException {
        response.sendRedirect("/next", 303);
        InOrder order = inOrder(save, wrapped);
        order.verify(save).run();
        order.verify(wrapped).sendRedirect("/next", 303);
    }

    @Test
    void sendError_any_savesFirst() throws IOException {
        response.sendError(404);
        response.sendError(500, "boom");
        InOrder order = inOrder(save, wrapped);
        order.verify(save).run();
        order.verify(wrapped).sendError(404);
        order.verify(save).run();
        order.verify(wrapped).sendError(500, "boom");
    }

    @Test
    void flushBuffer_any_savesFirst() throws IOException {
        response.flushBuffer();
        InOrder order = inOrder(save, wrapped);
        order.verify(save).run();
        order.verify(wrapped).flushBuffer();
    }

    @Test
    void writer_firstChar_savedBeforeItReachesTheWrappedResponse() throws IOException {
        when(wrapped.getWriter()).thenReturn(new PrintWriter(new RecordingWriter()));
        SessionResponse saving = new SessionResponse(wrapped, recordingSave, () -> { }, UnaryOperator.identity());
        PrintWriter writer = saving.getWriter();
        assertEquals(List.of(), events, "getting the writer writes nothing and saves nothing");
        writer.write('h');
        writer.print("ello");
        assertEquals(List.of("save", "chars:h", "chars:ello"), events);
    }

    @Test
    void writer_firstStringWrite_savedBeforeItReachesTheWrappedResponse() throws IOException {
        when(wrapped.getWriter()).thenReturn(new PrintWriter(new RecordingWriter()));
        SessionResponse saving = new SessionResponse(wrapped, recordingSave, () -> { }, UnaryOperator.identity());
        saving.getWriter().println("page");
        assertEquals("save", events.get(0));
        assertEquals("chars:page", events.get(1));
    }

    @Test
    void writer_printlnFirst_savedBeforeTheLineSeparatorReachesTheWrappedResponse() throws IOException {
        when(wrapped.getWriter()).thenReturn(new PrintWriter(new RecordingWriter()));
        SessionResponse saving = new SessionResponse(wrapped, recordingSave, () -> { }, UnaryOperator.identity());
        saving.getWriter().println();
        assertEquals(List.of("save", "chars:" + System.lineSeparator()), events);
    }

    @Test
    void outputStream_firstByte_savedBeforeItReachesTheWrappedResponse() throws IOException {
        when(wrapped.getOutputStream()).thenReturn(new RecordingOutputStream());
        SessionResponse saving = new SessionResponse(wrapped, recordingSave, () -> { }, UnaryOperator.identity());
        ServletOutputStream out = saving.getOutputStream();
        assertEquals(List.of(), events, "getting the stream writes nothing and saves nothing");
        out.write('x');
        out.write(new byte[] {'y', 'z'});
        assertEquals(List.of("save", "bytes:1", "bytes:2"), events);
    }

    @Test
    void outputStream_firstArrayWrite_savedBeforeItReachesTheWrappedResponse() throws IOException {
        when(wrapped.getOutputStream()).thenReturn(new RecordingOutputStream());
        SessionResponse saving = new SessionResponse(wrapped, recordingSave, () -> { }, UnaryOperator.identity());
        saving.getOutputStream().print("abc");
        assertEquals("save", events.get(0));
        assertTrue(events.size() > 1 && events.get(1).startsWith("bytes:"), events.toString());
    }

    @Test
    void outputStreamFlush_any_savesBeforeFlushing() throws IOException {
        when(wrapped.getOutputStream()).thenReturn(new RecordingOutputStream());
        SessionResponse saving = new SessionResponse(wrapped, recordingSave, () -> { }, UnaryOperator.identity());
        saving.getOutputStream().flush();
        assertEquals(List.of("save", "flush"), events);
    }

    private final class RecordingWriter extends Writer {
        @Override
        public void write(char[] buf, int off, int len) {
            events.add("chars:" + new String(buf, off, len));
        }

        @Override
        public void write(String s, int off, int len) {
            String text = s.substring(off, off + len);
            if (!text.isEmpty()) {
                events.add("chars:" + text);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private final class RecordingOutputStream extends ServletOutputStream {
        @Override
        public void write(int b) {
            events.add("bytes:1");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            events.add("bytes:" + len);
        }

        @Override
        public void flush() {
            events.add("flush");
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }
    }
}
