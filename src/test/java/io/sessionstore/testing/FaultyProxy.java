package io.sessionstore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a free loopback port between a client under test and a Redis server, for fault tests: it holds,
 * drops or delays the traffic of its connections, or resets them. A fault can be switched at any time while
 * connections are open; it applies to all current connections and to those accepted later.
 *
 * <p>Each accepted connection gets a connection of its own to the target, opened at once, even while traffic is
 * held or dropped. Each direction of it has a reader thread that queues the chunks it reads and a writer thread
 * that forwards them in order, so a held or delayed direction keeps every byte. The end of a stream is forwarded
 * in order after the bytes before it (as a half close), and is never dropped; a read or write error resets the
 * connection on both sides. All threads are daemon threads and end with their connection.
 *
 * <p>Thread-safe: all methods may be called from any thread while traffic flows.
 */
public final class FaultyProxy implements AutoCloseable {

    private enum Fault { NONE, HOLD, DROP, DROP_REPLIES }

    /** Bytes read from one side with the time they were read; {@code bytes} is null for the end of the stream. */
    private record Chunk(byte[] bytes, long readAtNanos) {
    }

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    /** Guards the fault, the delay, the set of links and every link's state and queues. */
    private final Object lock = new Object();
    private final Set<Link> links = new HashSet<>();
    private Fault fault = Fault.NONE;
    private Duration delay = Duration.ZERO;
    private Duration replyDelay = Duration.ZERO;

    private FaultyProxy(ServerSocket server, String targetHost, int targetPort) {
        this.server = server;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** Starts a proxy on a free port of 127.0.0.1 that forwards every connection to the Redis at {@code redisUrl}. */
    public static FaultyProxy start(String redisUrl) throws IOException {
        URI uri = URI.create(redisUrl);
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        FaultyProxy proxy = new FaultyProxy(server, uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        daemon("faulty-proxy-" + server.getLocalPort() + " accept", proxy::acceptAll);
        return proxy;
    }

    /** The URL clients connect to: {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    /** The port the proxy listens on, on 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    /** The number of connections open through the proxy; one accepted an instant ago may not be counted yet. */
    public int connections() {
        synchronized (lock) {
            return links.size();
        }
    }

    /**
     * Stops forwarding in both directions, as a network partition does: nothing arrives and nothing is reset.
     * What is read meanwhile is kept, and delivered in order by {@link #heal()}. Replaces {@link #drop()}.
     */
    public void hold() {
        setFault(Fault.HOLD);
    }

    /**
     * Discards, in both directions, the bytes read from now on until {@link #heal()}; they stay lost. Bytes held or
     * delayed before are kept for {@code heal()}. Replaces {@link #hold()}.
     */
    public void drop() {
        setFault(Fault.DROP);
    }

    /**
     * Discards what the target sends from now on until {@link #heal()}, and forwards what the client sends: Redis
     * runs the commands and their replies are lost, as on a link that loses bytes without closing. Replaces
     * {@link #hold()} and {@link #drop()}.
     */
    public void dropReplies() {
        setFault(Fault.DROP_REPLIES);
    }

    /**
     * Ends {@link #hold()}, {@link #drop()} or {@link #dropReplies()}: forwarding resumes, first with the bytes kept
     * meanwhile.
     */
    public void heal() {
        setFault(Fault.NONE);
    }

    /**
     * Forwards each chunk, both ways, only once {@code delay} has passed since it was read, in order;
     * {@link Duration#ZERO} forwards at once again. A new delay also applies to the chunks waiting already.
     */
    public void delay(Duration delay) {
        delay(delay, delay);
    }

    /** As {@link #delay(Duration)}, for what the target sends only: replies and pub/sub messages come late. */
    public void delayReplies(Duration delay) {
        delay(Duration.ZERO, delay);
    }

    private void delay(Duration towardTarget, Duration towardClient) {
        if (towardTarget.isNegative() || towardClient.isNegative()) {
            throw new IllegalArgumentException("negative delay " + towardTarget + ", " + towardClient);
        }
        synchronized (lock) {
            this.delay = towardTarget;
            this.replyDelay = towardClient;
            lock.notifyAll();
        }
    }

    /**
     * Closes every open connection abruptly on both sides (a TCP reset), discarding what is held or delayed. New
     * connections are accepted as before.
     */
    public void reset() {
        synchronized (lock) {
            for (Link link : new ArrayList<>(links)) {
                link.close(true);
            }
        }
    }

    /** Stops accepting and resets every open connection; the proxy's threads then end. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            server.close();
            reset();
        }
    }

    private void setFault(Fault fault) {
        synchronized (lock) {
            this.fault = fault;
            lock.notifyAll();
        }
    }

    private void acceptAll() {
        try {
            for (int number = 1; ; number++) {
                open(server.accept(), "faulty-proxy-" + port() + " #" + number);
            }
        } catch (IOException e) {
            // the server socket is closed
        }
    }

    private void open(Socket client, String name) {
        Socket target;
        try {
            target = new Socket(targetHost, targetPort);
            target.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException e) {
            closeSocket(client, true); // the client sees a reset, as if the target had refused it
            return;
        }
        Link link = new Link(client, target);
        synchronized (lock) {
            if (server.isClosed()) {
                link.close(true);
                return;
            }
            links.add(link);
        }
        new Direction(link, client, target, false).start(name + " to target");
        new Direction(link, target, client, true).start(name + " to client");
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeSocket(Socket socket, boolean abruptly) {
        try {
            if (abruptly) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }

    /** One accepted connection and its connection to the target; its state is guarded by {@link #lock}. */
    private final class Link {

        private final Socket client;
        private final Socket target;
        private int openDirections = 2;
        private boolean closed;

        Link(Socket client, Socket target) {
            this.client = client;
            this.target = target;
        }

        /** Called under the lock when one direction has forwarded the end of its stream. */
        void directionEnded() {
            if (--openDirections == 0) {
                close(false);
            }
        }

        /** Called under the lock; wakes the writer threads so that they end. */
        void close(boolean abruptly) {
            if (!closed) {
                closed = true;
                links.remove(this);
                closeSocket(client, abruptly);
                closeSocket(target, abruptly);
                lock.notifyAll();
            }
        }
    }

    /** One direction of a link: a reader thread queues what it reads, a writer thread forwards the queue. */
    private final class Direction {

        private final Link link;
        private final Socket from;
        private final Socket to;
        private final boolean towardClient;
        /** Guarded by {@link #lock}. */
        private final Deque<Chunk> queue = new ArrayDeque<>();

        Direction(Link link, Socket from, Socket to, boolean towardClient) {
            this.link = link;
            this.from = from;
            this.to = to;
            this.towardClient = towardClient;
        }

        /** Guarded by {@link #lock}. */
        private boolean dropping() {
            return fault == Fault.DROP || fault == Fault.DROP_REPLIES && towardClient;
        }

        /** Guarded by {@link #lock}. */
        private boolean stopped() {
            return fault == Fault.HOLD || dropping();
        }

        void start(String name) {
            daemon(name + " reader", this::readAll);
            daemon(name + " writer", this::writeAll);
        }

        private void readAll() {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    queue(Arrays.copyOf(buffer, n));
                }
                queue(null);
            } catch (IOException e) {
                closeLink();
            }
        }

        private void queue(byte[] bytes) {
            synchronized (lock) {
                if (bytes == null || !dropping()) {
                    queue.add(new Chunk(bytes, System.nanoTime()));
                    lock.notifyAll();
                }
            }
        }

        private void writeAll() {
            try {
                OutputStream out = to.getOutputStream();
                for (Chunk chunk; (chunk = next()) != null; ) {
                    if (chunk.bytes() == null) {
                        to.shutdownOutput();
                        synchronized (lock) {
                            link.directionEnded();
                        }
                        return;
                    }
                    out.write(chunk.bytes());
                }
            } catch (IOException | InterruptedException e) {
                closeLink();
            }
        }

        /** Waits for the next chunk that may be forwarded now; null once the link is closed. */
        private Chunk next() throws InterruptedException {
            synchronized (lock) {
                while (!link.closed) {
                    Chunk head = queue.peek();
                    if (head == null || stopped()) {
                        lock.wait();
                    } else {
                        long wait = head.readAtNanos() + (towardClient ? replyDelay : delay).toNanos()
                                - System.nanoTime();
                        if (wait <= 0) {
                            return queue.poll();
                        }
                        TimeUnit.NANOSECONDS.timedWait(lock, wait);
                    }
                }
                return null;
            }
        }

        private void closeLink() {
            synchronized (lock) {
                link.close(true);
            }
        }
    }
}
