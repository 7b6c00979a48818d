package io.sessionstore.deploy;

import org.junit.jupiter.api.BeforeAll;

/** The drop-in on Tomcat 10.1 (Servlet 6.0): nothing of Servlet 6.1 is called. */
class DropInTomcat10IT extends DropInExamples {

    @BeforeAll
    static void start() throws Exception {
        up("10.1.59");
    }
}
