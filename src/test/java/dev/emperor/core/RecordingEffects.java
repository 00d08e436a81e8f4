package dev.emperor.core;

import java.util.ArrayList;
import java.util.List;

/** A fake outside world for {@link Lifecycle}: hands out pids and fds and records every call. */
final class RecordingEffects implements Effects {
    final List<String> calls = new ArrayList<>();
    int nextPid = 1000;
    int nextFd = 100;
    SpawnOutcome nextOutcome;
    boolean pipeBroken;

    /** Spawn slots left in the current loop iteration (unlimited unless a test sets it). */
    int spawnSlots = Integer.MAX_VALUE;

    @Override
    public boolean spawnSlot(Vassal v) {
        if (spawnSlots <= 0) {
            calls.add("no spawn slot");
            return false;
        }
        spawnSlots--;
        return true;
    }

    @Override
    public SpawnOutcome spawn(Vassal v) {
        calls.add("spawn " + v.name());
        if (nextOutcome != null) {
            SpawnOutcome o = nextOutcome;
            nextOutcome = null;
            return o;
        }
        return SpawnOutcome.started(nextPid++, nextFd++);
    }

    @Override
    public boolean send(Vassal v, int b) {
        calls.add("send " + v.name() + " " + b);
        return !pipeBroken;
    }

    @Override
    public boolean kill(Vassal v, int signal) {
        calls.add("kill " + v.name() + " " + signal);
        return true;
    }

    @Override
    public void killGroup(Vassal v, int signal) {
        calls.add("killGroup " + v.name() + " " + signal);
    }

    @Override
    public void closePipe(Vassal v) {
        if (v.pipeFd >= 0) {
            calls.add("close " + v.name());
            v.pipeFd = -1;
        }
    }

    @Override
    public void forget(Vassal v) {
        calls.add("forget " + v.name());
    }

    /** The error text the next bindOnDemand answers, null = success. */
    String bindError;

    @Override
    public String bindOnDemand(Vassal v) {
        calls.add("bind " + v.name() + " " + v.socketName);
        if (bindError != null) {
            return bindError;
        }
        v.listenFd = nextFd++;
        return null;
    }

    @Override
    public void watchOnDemand(Vassal v, boolean on) {
        if (v.listenFd >= 0 && v.listenWatched != on) {
            calls.add((on ? "watch " : "unwatch ") + v.name());
            v.listenWatched = on;
        }
    }

    @Override
    public void closeOnDemand(Vassal v) {
        if (v.listenFd >= 0) {
            calls.add("closeSocket " + v.name());
            v.listenFd = -1;
            v.listenWatched = false;
        }
    }

    /** Whether the on-demand hooks exist (onDemandHook queues one and answers true). */
    boolean onDemandHooks;

    @Override
    public boolean onDemandHook(Vassal v, boolean configChanged) {
        if (!onDemandHooks) {
            return false;
        }
        calls.add((configChanged ? "onConfigHook " : "onDemandHook ") + v.name() + " sleep " + v.sleeps);
        return true;
    }

    String last() {
        return calls.isEmpty() ? null : calls.get(calls.size() - 1);
    }
}
