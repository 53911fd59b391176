package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;

/**
 * A small ledger held in the program's own objects: an instance method chain, state in fields and
 * arrays of objects, a virtual call to an override.
 */
public final class Objects {
  private Objects() {}

  abstract static class Account {
    final String name;
    long balance;

    Account(String name, long balance) {
      this.name = name;
      this.balance = balance;
    }

    abstract long fee(long amount);

    long withdraw(long amount) {
      long fee = fee(amount);
      balance -= amount + fee;
      return fee;
    }
  }

  static final class Plain extends Account {
    Plain(String name, long balance) {
      super(name, balance);
    }

    @Override
    long fee(long amount) {
      return 0;
    }
  }

  static final class Metered extends Account {
    long charged;

    Metered(String name, long balance) {
      super(name, balance);
    }

    @Override
    long fee(long amount) {
      long f = Sys.call(amount) % 5;
      charged += f;
      return f;
    }
  }

  static final class Ledger {
    final Account[] accounts;
    long fees;

    Ledger(Account[] accounts) {
      this.accounts = accounts;
    }

    void move(int from, int to, long amount) {
      fees += accounts[from].withdraw(amount);
      accounts[to].balance += amount;
    }

    long total() {
      long t = fees;
      for (Account a : accounts) {
        t += a.balance;
      }
      return t;
    }
  }

  public static long run(long seed) {
    Ledger ledger =
        new Ledger(
            new Account[] {
              new Plain("a", 1_000), new Metered("b", 2_000), new Metered("c", 3_000)
            });
    long moved = 0;
    for (int i = 0; i < 9; i++) {
      long amount = Sys.call(seed + i) % 100;
      ledger.move(i % 3, (i + 1) % 3, amount);
      moved += amount;
    }
    long h = ledger.total() * 1_000_003 + moved;
    for (Account a : ledger.accounts) {
      h = h * 31 + a.balance + a.name.hashCode();
      if (a instanceof Metered m) {
        h += m.charged;
      }
    }
    return h;
  }
}
