package dev.quorate.fence.internal;

import dev.quorate.fence.AgentMetadata;
import dev.quorate.fence.AgentParameter;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgentException;
import dev.quorate.lock.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Parses the XML a fence-agents {@code metadata} action prints: a {@code resource-agent} root with
 * {@code parameters/parameter} and {@code actions/action} children. DTDs and external entities are
 * refused, since the XML comes from a program we do not control.
 */
final class MetadataXml {
  private MetadataXml() {}

  static AgentMetadata parse(String agent, String xml) {
    Document doc = read(agent, xml);
    Element root = doc.getDocumentElement();
    if (!root.getTagName().equals("resource-agent")) {
      throw malformed(agent, "the root element is <" + root.getTagName() + ">", null);
    }
    String name = root.getAttribute("name");
    if (name.isEmpty()) {
      throw malformed(agent, "<resource-agent> has no name attribute", null);
    }
    List<AgentParameter> parameters = new ArrayList<>();
    NodeList params = root.getElementsByTagName("parameter");
    for (int i = 0; i < params.getLength(); i++) {
      Element p = (Element) params.item(i);
      String paramName = p.getAttribute("name");
      if (paramName.isEmpty()) {
        throw malformed(agent, "parameter " + (i + 1) + " has no name attribute", null);
      }
      Element content = first(p, "content");
      String type = content == null ? "string" : content.getAttribute("type");
      Optional<String> dflt =
          content == null || !content.hasAttribute("default")
              ? Optional.empty()
              : Optional.of(content.getAttribute("default"));
      Element shortdesc = first(p, "shortdesc");
      parameters.add(
          new AgentParameter(
              paramName,
              "1".equals(p.getAttribute("required")),
              type,
              dflt,
              shortdesc == null ? "" : shortdesc.getTextContent().strip()));
    }
    List<FenceAction> actions = new ArrayList<>();
    NodeList declared = root.getElementsByTagName("action");
    for (int i = 0; i < declared.getLength(); i++) {
      String actionName = ((Element) declared.item(i)).getAttribute("name");
      // Agents declare actions Quorate does not drive (manpage, list-status): skip those.
      for (FenceAction a : FenceAction.values()) {
        if (a.protocolName().equals(actionName)) {
          actions.add(a);
        }
      }
    }
    return new AgentMetadata(name, root.getAttribute("shortdesc"), parameters, actions, xml);
  }

  private static Element first(Element parent, String tag) {
    NodeList list = parent.getElementsByTagName(tag);
    return list.getLength() == 0 ? null : (Element) list.item(0);
  }

  private static Document read(String agent, String xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      // The default handler prints "[Fatal Error]" to stderr; the exception says it all.
      builder.setErrorHandler(new DefaultHandler());
      return builder.parse(new InputSource(new StringReader(xml)));
    } catch (SAXException e) {
      throw malformed(agent, "it is not well-formed XML (" + e.getMessage() + ")", e);
    } catch (ParserConfigurationException | IOException e) {
      throw new FenceAgentException(
          ErrorCode.INTERNAL, "cannot set up an XML parser for " + agent + " metadata", e);
    }
  }

  private static FenceAgentException malformed(String agent, String why, Throwable cause) {
    return new FenceAgentException(
        ErrorCode.CORRUPT_DATA,
        agent + " metadata is malformed: " + why + "; expected <resource-agent name=...> XML",
        cause);
  }
}
