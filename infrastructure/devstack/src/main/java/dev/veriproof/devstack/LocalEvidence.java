package dev.veriproof.devstack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalLambdaContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import java.util.function.Consumer;

/**
 * The evidence export's local services: the S3 bucket (s3proxy), the Lambda Invoke API and Step
 * Functions (the real ASL run by aws-local-stepfunctions), configured for the handlers the way the
 * template configures them on AWS, and {@code POST /_devstack/fire/quarterly-export?at=<instant>},
 * which runs the quarterly schedule's function and answers once the exports it started have ended.
 */
final class LocalEvidence implements AutoCloseable {
    static final String BUCKET = "veriproof-evidence";
    static final Duration EXPORT_TIMEOUT = Duration.ofMinutes(5);

    private final LocalS3 s3;
    private final LocalLambdaInvokeApi lambda;
    private final LocalStepFunctions stepFunctions;

    private LocalEvidence(LocalS3 s3, LocalLambdaInvokeApi lambda, LocalStepFunctions stepFunctions) {
        this.s3 = s3;
        this.lambda = lambda;
        this.stepFunctions = stepFunctions;
    }

    /** @param s3Directory where the bucket's objects are kept (null: in memory) */
    static LocalEvidence start(Path templateYaml, LocalHttpApi api, Path s3Directory, Consumer<ProcessHandle> children)
            throws IOException {
        LocalS3 s3 = LocalS3.start(s3Directory, BUCKET);
        LocalLambdaInvokeApi lambda = null;
        try {
            lambda = new LocalLambdaInvokeApi(templateYaml, api::handler);
            LocalStepFunctions stepFunctions = new LocalStepFunctions(templateYaml, lambda.endpoint(), children);
            System.setProperty("EVIDENCE_BUCKET", BUCKET);
            System.setProperty("aws.endpointUrlS3", s3.endpoint());
            System.setProperty("aws.endpointUrlSfn", stepFunctions.endpoint());
            System.setProperty("EXPORT_STATE_MACHINE_ARN", LocalStepFunctions.arn("EvidenceExportStateMachine"));
            LocalEvidence evidence = new LocalEvidence(s3, lambda, stepFunctions);
            String quarterlyHandler = handlerClass(templateYaml, "QuarterlyExportFunction");
            String executionEnded = statusChangeHandler(templateYaml);
            stepFunctions.onStatusChange(event -> invoke(api, executionEnded, event));
            api.addControl("/_devstack/fire/quarterly-export", params -> evidence.fireQuarterly(api, quarterlyHandler, params));
            return evidence;
        } catch (IOException | RuntimeException e) {
            if (lambda != null) lambda.close();
            s3.close();
            throw e;
        }
    }

    private static String handlerClass(Path templateYaml, String logicalId) throws IOException {
        String handler = new YAMLMapper().readTree(templateYaml.toFile()).path("Resources").path(logicalId).path("Properties").path("Handler").asText();
        return handler.substring(0, handler.indexOf("::"));
    }

    /** The function of the template's EventBridge rule on Step Functions' execution status changes. */
    private static String statusChangeHandler(Path templateYaml) throws IOException {
        var resources = new YAMLMapper().readTree(templateYaml.toFile()).path("Resources");
        for (var it = resources.fields(); it.hasNext(); ) {
            var resource = it.next();
            for (var event : resource.getValue().path("Properties").path("Events")) {
                if (event.path("Type").asText().equals("EventBridgeRule")
                        && event.path("Properties").path("Pattern").path("source").toString().contains("aws.states")) {
                    return handlerClass(templateYaml, resource.getKey());
                }
            }
        }
        throw new IllegalStateException("template.yaml has no EventBridge rule on aws.states");
    }

    @SuppressWarnings("unchecked")
    private static void invoke(LocalHttpApi api, String handlerClass, Map<String, Object> event) {
        var handler = (com.amazonaws.services.lambda.runtime.RequestHandler<Map<String, Object>, Map<String, Object>>) api.handler(handlerClass);
        handler.handleRequest(event, new LocalLambdaContext(handlerClass.substring(handlerClass.lastIndexOf('.') + 1)));
    }

    LocalS3 s3() {
        return s3;
    }

    LocalLambdaInvokeApi lambda() {
        return lambda;
    }

    LocalStepFunctions stepFunctions() {
        return stepFunctions;
    }

    @SuppressWarnings("unchecked")
    private String fireQuarterly(LocalHttpApi api, String handlerClass, Map<String, String> params) {
        String at = params.getOrDefault("at", Instant.now().toString());
        Instant.parse(at);
        var handler = (com.amazonaws.services.lambda.runtime.RequestHandler<Map<String, Object>, Map<String, Object>>) api.handler(handlerClass);
        Map<String, Object> result = handler.handleRequest(Map.of("source", "aws.events", "detail-type", "Scheduled Event", "time", at),
                new LocalLambdaContext("QuarterlyExportFunction"));
        ObjectNode body = Json.mapper().valueToTree(result);
        ArrayNode ended = body.putArray("executions");
        String exportId = String.valueOf(result.get("exportId"));
        for (LocalStepFunctions.Execution e : awaitExports()) {
            // executions are named <exportId>-<suffix>: only the schedule's own, not other exports that ended meanwhile
            if (e.name().startsWith(exportId + "-")) ended.addObject().put("name", e.name()).put("status", e.status());
        }
        return body.toString();
    }

    /** Waits until every export started so far has ended (the demo and the tests wait on this). */
    List<LocalStepFunctions.Execution> awaitExports() {
        return stepFunctions.awaitAll(EXPORT_TIMEOUT);
    }

    String s3Endpoint() {
        return s3.endpoint();
    }

    @Override
    public void close() {
        stepFunctions.close();
        lambda.close();
        s3.close();
    }
}
