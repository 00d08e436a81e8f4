package dev.emperor.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** A {@link UserDatabase} from maps, for unit tests; {@link #failing} makes every lookup throw. */
public final class FakeUserDatabase implements UserDatabase {
    private final Map<String, Integer> users = new HashMap<>();
    private final Map<String, Integer> groups = new HashMap<>();
    private volatile String failure;
    private int lookups;

    public FakeUserDatabase user(String name, int uid) {
        users.put(name, uid);
        return this;
    }

    public FakeUserDatabase group(String name, int gid) {
        groups.put(name, gid);
        return this;
    }

    /** From now on every lookup fails with this message (null: answers again). */
    public FakeUserDatabase failing(String message) {
        failure = message;
        return this;
    }

    public synchronized int lookups() {
        return lookups;
    }

    private synchronized void ask() {
        lookups++;
        if (failure != null) {
            throw new LookupFailed(failure);
        }
    }

    @Override
    public OptionalInt uidOf(String user) {
        ask();
        Integer id = users.get(user);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public OptionalInt gidOf(String group) {
        ask();
        Integer id = groups.get(group);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public Optional<String> userName(int uid) {
        ask();
        return users.entrySet().stream().filter(e -> e.getValue() == uid).map(Map.Entry::getKey).findFirst();
    }

    @Override
    public Optional<String> groupName(int gid) {
        ask();
        return groups.entrySet().stream().filter(e -> e.getValue() == gid).map(Map.Entry::getKey).findFirst();
    }
}
