package io.sessionstore.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports free at the time of asking, for the servers a test starts. */
public final class FreePorts {

    private FreePorts() {
    }

    /** @return {@code count} distinct ports, all held open together while chosen so that none repeats */
    public static List<Integer> take(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    public static int one() throws IOException {
        return take(1).get(0);
    }
}
