package dev.veriproof.local;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only view of the SAM template, so that local servers and tests derive tables, routes and
 * environment from the one file that is deployed.
 *
 * <p>CloudFormation short-form tags are rewritten to their long form while parsing
 * ({@code !Ref X} becomes {@code {"Ref": "X"}}, {@code !GetAtt A.B} becomes
 * {@code {"Fn::GetAtt": ["A", "B"]}}, {@code !Sub s} becomes {@code {"Fn::Sub": "s"}}), so both
 * spellings of a template read the same.
 */
public final class CloudFormationTemplate {

    public static final String TEMPLATE_FILE = "template.yaml";
    /** System property naming the repository root (set by surefire and by the devstack). */
    public static final String ROOT_PROPERTY = "veriproof.root";

    /** An {@code AWS::DynamoDB::Table} resource and its {@code Properties} as written. */
    public record TableDefinition(String logicalId, JsonNode properties) {}

    /**
     * An {@code HttpApi} event of a function. {@code authorized} is false when the route opts out
     * of the API's authorizer ({@code Auth: {Authorizer: NONE}}) or the API has none.
     */
    public record Route(String method, String path, String functionLogicalId, String handlerClass,
                        boolean authorized) {}

    /**
     * A {@code DynamoDB} stream event of a function, with the event source mapping's settings as
     * written ({@code MaximumRetryAttempts} -1 means retry until the record expires).
     */
    public record StreamSubscription(String functionLogicalId, String handlerClass, String tableLogicalId,
                                     int batchSize, int maximumRetryAttempts, boolean bisectOnError,
                                     boolean reportBatchItemFailures) {}

    /** A function's deployment package ({@code CodeUri}, relative to the repository root) and handler class. */
    public record FunctionCode(String functionLogicalId, String codeUri, String handlerClass) {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final ObjectMapper SCALARS = new ObjectMapper();

    private final JsonNode root;

    private CloudFormationTemplate(JsonNode root) {
        this.root = root;
    }

    public static CloudFormationTemplate load(Path templateYaml) {
        try (YAMLParser parser = YAML.createParser(Files.newBufferedReader(templateYaml))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(templateYaml + " is not a YAML mapping");
            }
            return new CloudFormationTemplate(read(parser));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + templateYaml, e);
        }
    }

    /**
     * The repository's template.yaml: under the directory named by system property
     * {@value #ROOT_PROPERTY}, else in the working directory or the nearest parent holding one.
     */
    public static Path locate() {
        String root = System.getProperty(ROOT_PROPERTY);
        if (root != null && !root.isBlank()) {
            Path template = Path.of(root).resolve(TEMPLATE_FILE);
            if (!Files.isRegularFile(template)) {
                throw new IllegalStateException(ROOT_PROPERTY + "=" + root + " holds no " + TEMPLATE_FILE);
            }
            return template;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path template = dir.resolve(TEMPLATE_FILE);
            if (Files.isRegularFile(template)) {
                return template;
            }
        }
        throw new IllegalStateException("no " + TEMPLATE_FILE + " in " + Path.of("").toAbsolutePath()
                + " or its parents; set -D" + ROOT_PROPERTY + "=<repository root>");
    }

    public List<TableDefinition> tables() {
        List<TableDefinition> tables = new ArrayList<>();
        resourcesOfType("AWS::DynamoDB::Table").forEach(
                (logicalId, resource) -> tables.add(new TableDefinition(logicalId, resource.path("Properties"))));
        return tables;
    }

    public List<FunctionCode> functions() {
        List<FunctionCode> functions = new ArrayList<>();
        resourcesOfType("AWS::Serverless::Function").forEach((functionId, resource) -> {
            JsonNode codeUri = resource.path("Properties").path("CodeUri");
            if (!codeUri.isTextual()) throw new IllegalStateException(functionId + " has no literal CodeUri");
            functions.add(new FunctionCode(functionId, codeUri.asText(), handlerClass(functionId)));
        });
        return functions;
    }

    public List<Route> httpRoutes() {
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> function : resourcesOfType("AWS::Serverless::Function").entrySet()) {
            String functionId = function.getKey();
            for (Map.Entry<String, JsonNode> event : function.getValue().path("Properties").path("Events").properties()) {
                if ("HttpApi".equals(event.getValue().path("Type").asText())) {
                    JsonNode properties = event.getValue().path("Properties");
                    routes.add(new Route(
                            required(properties, "Method", functionId).toUpperCase(Locale.ROOT),
                            required(properties, "Path", functionId),
                            functionId,
                            handlerClass(functionId),
                            authorized(properties)));
                }
            }
        }
        return routes;
    }

    public List<StreamSubscription> streamSubscriptions() {
        List<StreamSubscription> subscriptions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> function : resourcesOfType("AWS::Serverless::Function").entrySet()) {
            String functionId = function.getKey();
            for (Map.Entry<String, JsonNode> event : function.getValue().path("Properties").path("Events").properties()) {
                if (!"DynamoDB".equals(event.getValue().path("Type").asText())) continue;
                JsonNode properties = event.getValue().path("Properties");
                JsonNode stream = properties.path("Stream").path("Fn::GetAtt");
                if (!stream.isArray() || !"StreamArn".equals(stream.path(1).asText())) {
                    throw new IllegalStateException(functionId + "." + event.getKey() + ": Stream must be !GetAtt <Table>.StreamArn");
                }
                boolean reportFailures = false;
                for (JsonNode type : properties.path("FunctionResponseTypes")) {
                    reportFailures |= "ReportBatchItemFailures".equals(type.asText());
                }
                subscriptions.add(new StreamSubscription(functionId, handlerClass(functionId), stream.path(0).asText(),
                        properties.path("BatchSize").asInt(100), properties.path("MaximumRetryAttempts").asInt(-1),
                        properties.path("BisectBatchOnFunctionError").asBoolean(false), reportFailures));
            }
        }
        return subscriptions;
    }

    /**
     * {@code Globals.Function.Environment.Variables}: literal values as written, {@code !Ref X}
     * as the referenced logical id {@code X}; values built by other intrinsics are left out.
     */
    public Map<String, String> globalEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        putVariables(root.path("Globals").path("Function"), environment);
        return environment;
    }

    /**
     * The environment a function runs with: the {@link #globalEnvironment()} overridden by the function's own
     * {@code Environment.Variables}, read the same way.
     */
    public Map<String, String> environment(String functionLogicalId) {
        Map<String, String> environment = globalEnvironment();
        putVariables(resource(functionLogicalId).path("Properties"), environment);
        return environment;
    }

    private static void putVariables(JsonNode functionProperties, Map<String, String> environment) {
        for (Map.Entry<String, JsonNode> variable : functionProperties.path("Environment").path("Variables").properties()) {
            JsonNode value = variable.getValue();
            if (value.isValueNode()) {
                environment.put(variable.getKey(), value.asText());
            } else if (value.path("Ref").isTextual()) {
                environment.put(variable.getKey(), value.path("Ref").asText());
            }
        }
    }

    /** Handler class of the function behind the default authorizer of the template's HTTP API. */
    public Optional<String> authorizerHandlerClass() {
        for (JsonNode api : resourcesOfType("AWS::Serverless::HttpApi").values()) {
            JsonNode auth = api.path("Properties").path("Auth");
            String name = auth.path("DefaultAuthorizer").asText(null);
            if (name != null) {
                JsonNode functionArn = auth.path("Authorizers").path(name).path("FunctionArn");
                return Optional.of(handlerClass(referencedResource(functionArn)));
            }
        }
        return Optional.empty();
    }

    private boolean authorized(JsonNode eventProperties) {
        JsonNode authorizer = eventProperties.path("Auth").path("Authorizer");
        if (!authorizer.isMissingNode()) {
            return !"NONE".equals(authorizer.asText());
        }
        JsonNode apiId = eventProperties.path("ApiId");
        JsonNode api = apiId.isMissingNode()
                ? root.path("Globals").path("HttpApi")
                : resource(referencedResource(apiId)).path("Properties");
        return api.path("Auth").hasNonNull("DefaultAuthorizer");
    }

    private String handlerClass(String functionId) {
        JsonNode handler = resource(functionId).path("Properties").path("Handler");
        if (handler.isMissingNode()) {
            handler = root.path("Globals").path("Function").path("Handler");
        }
        if (!handler.isTextual()) {
            throw new IllegalStateException(functionId + " has no literal Handler");
        }
        String text = handler.asText();
        int methodSeparator = text.indexOf("::");
        return methodSeparator < 0 ? text : text.substring(0, methodSeparator);
    }

    /** Logical id named by {@code Ref X}, {@code Ref X.Alias} or {@code Fn::GetAtt [X, ...]}. */
    private static String referencedResource(JsonNode reference) {
        if (reference.path("Ref").isTextual()) {
            String target = reference.path("Ref").asText();
            int dot = target.indexOf('.');
            return dot < 0 ? target : target.substring(0, dot);
        }
        if (reference.path("Fn::GetAtt").path(0).isTextual()) {
            return reference.path("Fn::GetAtt").path(0).asText();
        }
        throw new IllegalStateException("expected a Ref or Fn::GetAtt, found " + reference);
    }

    private JsonNode resource(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalStateException("the template has no resource " + logicalId);
        }
        return resource;
    }

    private Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> resource : root.path("Resources").properties()) {
            if (type.equals(resource.getValue().path("Type").asText())) {
                found.put(resource.getKey(), resource.getValue());
            }
        }
        return found;
    }

    private static String required(JsonNode properties, String field, String functionId) {
        JsonNode value = properties.path(field);
        if (!value.isTextual()) {
            throw new IllegalStateException(functionId + ": an HttpApi event has no literal " + field);
        }
        return value.asText();
    }

    /** Builds the node at the parser's current token, turning short-form tags into long form. */
    private static JsonNode read(YAMLParser parser) throws IOException {
        String tag = parser.getTypeId(); // "Ref" for !Ref: the parser drops the leading '!'
        JsonNode node = switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, read(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(parser));
                }
                yield array;
            }
            default -> SCALARS.readTree(parser);
        };
        // Standard YAML tags (tag:yaml.org,2002:str ...) only type a scalar; they are not intrinsics.
        return tag == null || tag.contains(":") ? node : longForm(tag, node);
    }

    private static JsonNode longForm(String tag, JsonNode value) {
        ObjectNode intrinsic = NODES.objectNode();
        switch (tag) {
            case "Ref", "Condition" -> intrinsic.set(tag, value);
            case "GetAtt" -> {
                if (value.isTextual()) {
                    String[] parts = value.asText().split("\\.", 2);
                    ArrayNode resourceAndAttribute = intrinsic.putArray("Fn::GetAtt");
                    for (String part : parts) {
                        resourceAndAttribute.add(part);
                    }
                } else {
                    intrinsic.set("Fn::GetAtt", value);
                }
            }
            default -> intrinsic.set("Fn::" + tag, value);
        }
        return intrinsic;
    }
}
