package io.sessionstore.session.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.UnaryOperator;

/**
 * Saves the session before anything can commit the response: before the first byte of the body, a redirect, an
 * error or a flush. So a client that sees the response (a {@code 303} after login, say) always finds the session
 * saved, and a failed save still turns into an error status instead of a half-sent page. URLs are encoded with the
 * request's session, not the container's.
 */
final class SessionResponse extends HttpServletResponseWrapper {

    private final Runnable save;
    private final Runnable onReset;
    private final UnaryOperator<String> urlEncoder;
    private boolean bodyStarted;
    private PrintWriter writer;
    private ServletOutputStream outputStream;

    /**
     * @param save       writes the session and its cookies
     * @param onReset    told after the response was reset
     * @param urlEncoder puts the session id into a URL where it belongs
     */
    SessionResponse(HttpServletResponse response, Runnable save, Runnable onReset, UnaryOperator<String> urlEncoder) {
        super(response);
        this.save = save;
        this.onReset = onReset;
        this.urlEncoder = urlEncoder;
    }

    @Override
    public String encodeURL(String url) {
        return urlEncoder.apply(url);
    }

    @Override
    public String encodeRedirectURL(String url) {
        return urlEncoder.apply(url);
    }

    /** A reset drops the session cookies already set: they are set again with the next save. */
    @Override
    public void reset() {
        super.reset();
        bodyStarted = false; // the body and the cookies are gone: the next body byte saves and sets them again
        onReset.run();
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        save.run();
        super.sendRedirect(location);
    }

    @Override
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        save.run();
        super.sendRedirect(location, clearBuffer);
    }

    @Override
    public void sendRedirect(String location, int sc) throws IOException {
        save.run();
        super.sendRedirect(location, sc);
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        save.run();
        super.sendRedirect(location, sc, clearBuffer);
    }

    @Override
    public void sendError(int sc) throws IOException {
        save.run();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        save.run();
        super.sendError(sc, msg);
    }

    @Override
    public void flushBuffer() throws IOException {
        save.run();
        super.flushBuffer();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new SavingWriter(super.getWriter());
        }
        return writer;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (outputStream == null) {
            outputStream = new SavingOutputStream(super.getOutputStream());
        }
        return outputStream;
    }

    private void beforeBody() {
        if (!bodyStarted) {
            bodyStarted = true;
            save.run();
        }
    }

    private final class SavingWriter extends PrintWriter {
        SavingWriter(PrintWriter delegate) {
            super(delegate);
        }

        @Override
        public void write(int c) {
            beforeBody();
            super.write(c);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            beforeBody();
            super.write(buf, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            beforeBody();
            super.write(s, off, len);
        }

        /** PrintWriter writes the line separator straight to the delegate, past the write methods above. */
        @Override
        public void println() {
            beforeBody();
            super.println();
        }

        @Override
        public void flush() {
            save.run();
            super.flush();
        }

        @Override
        public void close() {
            save.run();
            super.close();
        }
    }

    private final class SavingOutputStream extends ServletOutputStream {
        private final ServletOutputStream delegate;

        SavingOutputStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            beforeBody();
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeBody();
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            save.run();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            save.run();
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }
}
