package io.sessionstore.deploy;

import org.junit.jupiter.api.BeforeAll;

/** The drop-in on Tomcat 11 (Servlet 6.1). */
class DropInTomcat11IT extends DropInExamples {

    @BeforeAll
    static void start() throws Exception {
        up("11.0.25");
    }
}
