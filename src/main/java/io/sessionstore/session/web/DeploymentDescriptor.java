package io.sessionstore.session.web;

import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What an application's {@code WEB-INF/web.xml} says where the Servlet API cannot tell: whether it lists session
 * tracking modes. Listing exactly the container's defaults ({@code COOKIE} and {@code URL} on Tomcat) leaves
 * {@link ServletContext#getEffectiveSessionTrackingModes()} as if nothing were listed. Read with the JDK's parser,
 * no DTD or external entity loaded. Stateless.
 */
final class DeploymentDescriptor {

    private static final Logger log = LoggerFactory.getLogger(DeploymentDescriptor.class);
    private static final String PATH = "/WEB-INF/web.xml";

    private DeploymentDescriptor() {
    }

    /**
     * Whether the application's {@code web.xml} has a {@code <tracking-mode>} in its {@code <session-config>}
     * (Servlet 6.1, section 7.1); false without one, or when it cannot be read.
     */
    static boolean listsTrackingModes(ServletContext context) {
        try (InputStream in = context.getResourceAsStream(PATH)) {
            if (in == null) {
                return false;
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setExpandEntityReferences(false);
            NodeList modes = factory.newDocumentBuilder().parse(in).getElementsByTagNameNS("*", "tracking-mode");
            for (int i = 0; i < modes.getLength(); i++) {
                if (modes.item(i).getParentNode() instanceof Element parent
                        && "session-config".equals(parent.getLocalName())) {
                    return true;
                }
            }
            return false;
        } catch (IOException | ParserConfigurationException | SAXException | IllegalArgumentException e) {
            log.debug("{} of {} could not be read for its tracking modes: {}", PATH, context.getContextPath(),
                    e.toString());
            return false;
        }
    }
}
