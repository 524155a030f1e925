package dev.veriproof.adapters.snapstart;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Registers a warm-up to run before SnapStart takes its snapshot, so that the first request after a
 * restore finds Jackson, validation, scoring and the SDK's code paths already loaded and compiled.
 * The warm-up must create nothing unique (ids, random seeds) that would be shared by every restored
 * environment.
 */
public final class Priming implements Resource {
    private final Runnable warmUp;

    private Priming(Runnable warmUp) {
        this.warmUp = warmUp;
    }

    /** Keeps a strong reference: CRaC holds resources weakly. */
    public static Priming register(Runnable warmUp) {
        Priming priming = new Priming(warmUp);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        warmUp.run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to refresh: the SDK re-opens connections on demand
    }

    /** Runs the warm-up now; the tests use it to prove it works without a checkpoint. */
    public void runNow() {
        warmUp.run();
    }
}
