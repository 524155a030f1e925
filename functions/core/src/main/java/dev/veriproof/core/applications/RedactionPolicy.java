package dev.veriproof.core.applications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.hash.Hashes;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An application's redaction policy (SPEC §10): whether {@code content} is captured at all, and which
 * {@code attributes.<name>} / {@code content.<name>} fields are replaced by the SHA-256 of their
 * value before storage. The leaf hash is computed after redaction, so proofs stay valid once the raw
 * content is gone.
 */
public record RedactionPolicy(boolean captureContent, List<String> redactFields) {
    public static final RedactionPolicy NONE = new RedactionPolicy(true, List.of());

    public RedactionPolicy {
        redactFields = List.copyOf(redactFields);
    }

    /** True when a field name is one this policy can redact: {@code attributes.x} or {@code content.x}. */
    public static boolean isRedactableField(String field) {
        return field.matches("(attributes|content)\\.[^.]{1,128}");
    }

    public boolean changesNothing() {
        return captureContent && redactFields.isEmpty();
    }

    /** The session as it will be stored; the argument is left untouched. */
    public ObjectNode apply(ObjectNode session) {
        if (changesNothing()) return session;
        ObjectNode stored = session.deepCopy();
        if (!captureContent) stored.remove("content");
        for (String field : redactFields) {
            int dot = field.indexOf('.');
            JsonNode parent = stored.get(field.substring(0, dot));
            String name = field.substring(dot + 1);
            if (parent instanceof ObjectNode object && object.has(name)) {
                JsonNode value = object.get(name);
                String text = value.isTextual() ? value.textValue() : value.toString();
                object.put(name, "sha256:" + Hashes.hex(Hashes.sha256(text.getBytes(StandardCharsets.UTF_8))));
            }
        }
        return stored;
    }
}
