package dev.veriproof.core.session;

/** The outcome of {@link SessionValidator#validate}: a typed session, or the first error found. */
public sealed interface Validation {

    record Valid(Session session) implements Validation {
    }

    record Invalid(FieldError error) implements Validation {
    }
}
