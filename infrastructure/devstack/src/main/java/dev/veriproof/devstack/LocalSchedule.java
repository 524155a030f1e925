package dev.veriproof.devstack;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalLambdaContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A template function with a plain {@code Schedule} event, run locally: by a local clock every
 * {@code intervalSeconds}, and at once by {@code POST /_devstack/fire/<name>}, which answers with the
 * run's summary when it has finished.
 */
final class LocalSchedule implements AutoCloseable {
    private final RequestHandler<Map<String, Object>, Map<String, Object>> handler;
    private final String logicalId;
    private final ScheduledExecutorService clock;

    private LocalSchedule(RequestHandler<Map<String, Object>, Map<String, Object>> handler, String logicalId) {
        this.handler = handler;
        this.logicalId = logicalId;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "devstack-clock-" + logicalId);
            thread.setDaemon(true);
            return thread;
        });
    }

    @SuppressWarnings("unchecked")
    static LocalSchedule start(Path templateYaml, LocalHttpApi api, String logicalId, String fireName, long intervalSeconds) throws IOException {
        String handlerName = new YAMLMapper().readTree(templateYaml.toFile()).path("Resources").path(logicalId).path("Properties").path("Handler").asText();
        var handler = (RequestHandler<Map<String, Object>, Map<String, Object>>) api.handler(handlerName.substring(0, handlerName.indexOf("::")));
        LocalSchedule schedule = new LocalSchedule(handler, logicalId);
        api.addControl("/_devstack/fire/" + fireName, params -> schedule.fire());
        schedule.clock.scheduleWithFixedDelay(() -> {
            try {
                schedule.fire();
            } catch (RuntimeException e) {
                System.err.println("devstack: scheduled run of " + logicalId + " failed: " + e);
            }
        }, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
        return schedule;
    }

    synchronized String fire() {
        return Json.writeString(handler.handleRequest(Map.of("source", "aws.events", "detail-type", "Scheduled Event"),
                new LocalLambdaContext(logicalId)));
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
