package dev.veriproof.adapters.snapstart;

import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.telemetry.Telemetry;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A warm-up registered to run before SnapStart takes its snapshot ({@link PrimedHandler} registers
 * one per handler). It must create nothing unique (ids, random seeds) that every restored
 * environment would share. A failing warm-up is logged and does not stop the snapshot.
 */
final class Priming implements Resource {
    private final Runnable warmUp;

    private Priming(Runnable warmUp) {
        this.warmUp = warmUp;
    }

    /** The caller keeps the returned reference: CRaC holds resources weakly. */
    static Priming register(Runnable warmUp) {
        Priming priming = new Priming(warmUp);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            warmUp.run();
        } catch (RuntimeException e) {
            Log.error("priming failed; the snapshot is taken without it", e);
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // the SDK re-opens connections on demand; the first invocation after a restore is a cold start
        Telemetry.restored();
    }
}
