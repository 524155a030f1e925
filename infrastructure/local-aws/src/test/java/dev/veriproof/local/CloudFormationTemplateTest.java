package dev.veriproof.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veriproof.local.CloudFormationTemplate.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudFormationTemplateTest {

    private static final CloudFormationTemplate TEMPLATE = CloudFormationTemplate.load(CloudFormationTemplate.locate());

    @Test
    void findsTheRoutesOfTheHttpApiWithTheirHandlersAndAuth() {
        List<Route> routes = TEMPLATE.httpRoutes();

        assertTrue(routes.containsAll(List.of(
                new Route("GET", "/health", "HealthFunction", "dev.veriproof.access.HealthHandler", false),
                new Route("POST", "/v1/keys", "KeysFunction", "dev.veriproof.access.KeysHandler", true),
                new Route("DELETE", "/v1/keys/{id}", "KeysFunction", "dev.veriproof.access.KeysHandler", true),
                new Route("POST", "/v1/sessions", "IngestFunction", "dev.veriproof.ingest.IngestHandler", true),
                new Route("GET", "/v1/sessions/{id}", "SessionQueryFunction",
                        "dev.veriproof.ingest.SessionQueryHandler", true),
                new Route("POST", "/v1/applications", "ApplicationsFunction",
                        "dev.veriproof.governance.ApplicationsHandler", true),
                new Route("GET", "/v1/applications", "ApplicationsFunction",
                        "dev.veriproof.governance.ApplicationsHandler", true),
                new Route("GET", "/v1/applications/{id}", "ApplicationsFunction",
                        "dev.veriproof.governance.ApplicationsHandler", true),
                new Route("PATCH", "/v1/applications/{id}", "ApplicationsFunction",
                        "dev.veriproof.governance.ApplicationsHandler", true))), routes::toString);
        // Only the liveness probe and the console's static files (whose every API call carries a key)
        // are reached without an API key.
        assertEquals(List.of("/health", "/console", "/console/{proxy+}"),
                routes.stream().filter(route -> !route.authorized()).map(Route::path).toList());
    }

    @Test
    void findsTheAuthorizerTablesAndGlobalEnvironment() {
        assertEquals(Optional.of("dev.veriproof.access.ApiKeyAuthorizerHandler"), TEMPLATE.authorizerHandlerClass());
        assertEquals(List.of("SessionsTable", "GovernanceTable", "TraceBufferTable"),
                TEMPLATE.tables().stream().map(CloudFormationTemplate.TableDefinition::logicalId).toList());

        Map<String, String> environment = TEMPLATE.globalEnvironment();
        assertEquals("SessionsTable", environment.get("SESSIONS_TABLE"));
        assertEquals("GovernanceTable", environment.get("GOVERNANCE_TABLE"));
        assertEquals("TraceBufferTable", environment.get("TRACE_BUFFER_TABLE"));
        assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dhttp.maxConnections=16", environment.get("JAVA_TOOL_OPTIONS"));
    }

    @Test
    void aFunctionsEnvironmentIsTheGlobalOneOverriddenByItsOwn() {
        Map<String, String> ingest = TEMPLATE.environment("IngestFunction");
        assertEquals("SessionsTable", ingest.get("SESSIONS_TABLE"), "inherited from Globals");
        assertEquals("SignerSecretArn", ingest.get("SIGNER_SECRET_ARN"), "its own variable");
        // every function compiles with C1 only, ingest included (docs/snapstart.md, "Ingest: C1 or C2"), and collects serially
        assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dhttp.maxConnections=16", ingest.get("JAVA_TOOL_OPTIONS"));
        assertFalse(TEMPLATE.environment("SessionQueryFunction").containsKey("SIGNER_SECRET_ARN"));
    }

    @Test
    void readsShortFormTagsAsTheirLongForm(@TempDir Path dir) throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.load(write(dir, """
                Resources:
                  Table:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      ShortRef: !Ref Thing
                      LongRef: {Ref: Thing}
                      DottedGetAtt: !GetAtt Queue.Attributes.Arn
                      ListGetAtt: !GetAtt [Queue, Arn]
                      Sub: !Sub "${AWS::Region}-x"
                      If: !If [IsProd, !Ref Big, !Ref AWS::NoValue]
                      Join: !Join ["-", [a, !Ref B]]
                      Number: 400
                      TaggedString: !!str 400
                      Flag: true
                """));

        assertEquals(new ObjectMapper().readTree("""
                {"ShortRef": {"Ref": "Thing"},
                 "LongRef": {"Ref": "Thing"},
                 "DottedGetAtt": {"Fn::GetAtt": ["Queue", "Attributes.Arn"]},
                 "ListGetAtt": {"Fn::GetAtt": ["Queue", "Arn"]},
                 "Sub": {"Fn::Sub": "${AWS::Region}-x"},
                 "If": {"Fn::If": ["IsProd", {"Ref": "Big"}, {"Ref": "AWS::NoValue"}]},
                 "Join": {"Fn::Join": ["-", ["a", {"Ref": "B"}]]},
                 "Number": 400,
                 "TaggedString": "400",
                 "Flag": true}
                """), template.tables().get(0).properties());
    }

    @Test
    void routesUseGlobalHandlersAndFollowTheirApisAuthorizer(@TempDir Path dir) throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.load(write(dir, """
                Globals:
                  Function:
                    Handler: example.GlobalHandler::handleRequest
                Resources:
                  OpenApi:
                    Type: AWS::Serverless::HttpApi
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Events:
                        Open:
                          Type: HttpApi
                          Properties: {ApiId: !Ref OpenApi, Path: /open, Method: get}
                        Guarded:
                          Type: HttpApi
                          Properties: {ApiId: !Ref OpenApi, Path: /guarded, Method: POST, Auth: {Authorizer: Custom}}
                        Nightly:
                          Type: Schedule
                          Properties: {Schedule: rate(1 day)}
                """));

        assertEquals(List.of(
                new Route("GET", "/open", "Fn", "example.GlobalHandler", false),
                new Route("POST", "/guarded", "Fn", "example.GlobalHandler", true)), template.httpRoutes());
        assertEquals(Optional.empty(), template.authorizerHandlerClass());
    }

    @Test
    void locatesTheTemplateFromTheRootPropertyOrByWalkingUp() {
        Path expected = CloudFormationTemplate.locate();
        assertTrue(Files.isRegularFile(expected));
        String root = System.clearProperty(CloudFormationTemplate.ROOT_PROPERTY);
        try {
            // Surefire runs in the module directory, two levels below the repository root.
            assertEquals(expected.toAbsolutePath().normalize(), CloudFormationTemplate.locate().normalize());
        } finally {
            if (root != null) {
                System.setProperty(CloudFormationTemplate.ROOT_PROPERTY, root);
            }
        }
    }

    private static Path write(Path dir, String yaml) throws IOException {
        return Files.writeString(dir.resolve("template.yaml"), yaml);
    }
}
