package jackal.image;

import static jackal.image.Scripts.run;
import static jackal.image.Scripts.runBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpreterTest {
  @TempDir Path dir;

  private void module(String name, String text) throws Exception {
    Path file = dir.resolve(name.replace('.', '/') + ".mki");
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void printShowsIntegersStringsAndBooleans() throws Exception {
    assertThat(runBody("print 1 + 2; print \"hi\"; print 3 < 4; print true;"))
        .isEqualTo("3\nhi\ntrue\ntrue\n");
  }

  @Test
  void arithmeticIsSixtyFourBitAndWraps() throws Exception {
    assertThat(runBody("print 0x7fffffffffffffff + 1; print 7 / 2; print -7 % 3; print 010;"))
        .isEqualTo("-9223372036854775808\n3\n-1\n8\n");
  }

  @Test
  void stringsConcatenateWithPlus() throws Exception {
    assertThat(runBody("print \"a\" + \"b\";")).isEqualTo("ab\n");
  }

  @Test
  void equalityComparesValuesOfOneType() throws Exception {
    assertThat(runBody("print \"a\" == \"a\"; print 1 != 1; print true == false;"))
        .isEqualTo("true\nfalse\nfalse\n");
  }

  @Test
  void notAcceptsIntegersAndBooleans() throws Exception {
    assertThat(runBody("print !0; print !5; print !false;")).isEqualTo("true\nfalse\ntrue\n");
  }

  @Test
  void assignmentChangesTheBindingItFinds() throws Exception {
    assertThat(runBody("def x = 1; def f() { x = x + 1; } f(); f(); print x;")).isEqualTo("3\n");
  }

  @Test
  void proceduresReturnTheirLastValueOrTheirReturn() throws Exception {
    assertThat(
            runBody(
                "def f(a) { if (a > 0) { return 1; } 2; } print f(5); print f(0);"
                    + " def g(a, b) { a * b; } print g(6, 7);"))
        .isEqualTo("1\n2\n42\n");
  }

  @Test
  void returnLeavesOnlyTheNearestProcedure() throws Exception {
    assertThat(
            runBody("def inner() { return 1; } def outer() { inner(); return 2; } print outer();"))
        .isEqualTo("2\n");
  }

  @Test
  void closuresCaptureTheirDefiningScope() throws Exception {
    assertThat(
            runBody(
                "def adder(n) { def add(x) { x + n; }; add; }"
                    + " def add3 = adder(3); def add10 = adder(10);"
                    + " print add3(1); print add10(1);"))
        .isEqualTo("4\n11\n");
  }

  @Test
  void recursionWorks() throws Exception {
    assertThat(
            runBody("def fact(n) { if (n <= 1) { 1; } else { n * fact(n - 1); } } print fact(20);"))
        .isEqualTo("2432902008176640000\n");
  }

  @Test
  void whileRunsUntilItsConditionIsFalse() throws Exception {
    assertThat(runBody("def i = 0; def s = 0; while (i < 5) { s = s + i; i = i + 1; } print s;"))
        .isEqualTo("10\n");
  }

  @Test
  void doWhileRunsItsBodyAtLeastOnce() throws Exception {
    assertThat(runBody("def i = 10; do { print i; i = i + 1; } while (i < 3);")).isEqualTo("10\n");
  }

  @Test
  void ifElseIfChainPicksTheFirstTrueBranch() throws Exception {
    assertThat(
            runBody(
                "def c(x) { if (x == 1) { \"one\"; } else if (x == 2) { \"two\"; } else { \"many\"; } }"
                    + " print c(1); print c(2); print c(9);"))
        .isEqualTo("one\ntwo\nmany\n");
  }

  @Test
  void aBlockIsAnExpressionWithItsOwnScope() throws Exception {
    assertThat(runBody("def i = 7; def a = { def i = 1; i + 3; }; print a; print i;"))
        .isEqualTo("4\n7\n");
  }

  @Test
  void enumMembersCountOnFromThePreviousValue() throws Exception {
    assertThat(runBody("enum { A, B = 10, C, D = C * 2 } print A; print B; print C; print D;"))
        .isEqualTo("0\n10\n11\n22\n");
  }

  @Test
  void aNamedEnumIsANamespace() throws Exception {
    assertThat(runBody("capreg REG { NULL, SELF = 2 } print REG.SELF; print * REG;"))
        .isEqualTo("2\n<capreg REG>\n  NULL = 0\n  SELF = 2\n");
  }

  @Test
  void enumValuesMayUseEarlierEnumConstants() throws Exception {
    assertThat(runBody("enum { BASE = 4 } enum E { X = BASE + 1 } enum { Y = E.X * 2 } print Y;"))
        .isEqualTo("10\n");
  }

  @Test
  void importedModulesExposeOnlyTheirExports() throws Exception {
    module(
        "lib.util",
        "module lib.util { export def a = 1; def hidden = 2; def b = 3; export b; export enum E { X = 5 } }");
    assertThat(run("module t { import u = lib.util; print u.a + u.b + u.E.X; }", dir))
        .isEqualTo("9\n");
  }

  @Test
  void aModuleRunsOnceHoweverOftenItIsImported() throws Exception {
    module("once", "module once { print \"running once\"; export def n = 1; }");
    module("other", "module other { import o = once; export def m = o.n + 1; }");
    assertThat(
            run("module t { import a = once; import b = other; import c = once; print b.m; }", dir))
        .isEqualTo("running once\n2\n");
  }

  @Test
  void theSearchPathIsTriedInOrder() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    Files.createDirectories(first.resolve("m"));
    Files.createDirectories(second.resolve("m"));
    Files.writeString(first.resolve("m/x.mki"), "module m.x { export def v = 1; }");
    Files.writeString(second.resolve("m/x.mki"), "module m.x { export def v = 2; }");
    Files.writeString(second.resolve("m/y.mki"), "module m.y { export def v = 3; }");
    assertThat(
            run(
                "module t { import a = m.x; import b = m.y; print a.v; print b.v; }",
                first,
                second))
        .isEqualTo("1\n3\n");
  }

  @Test
  void exportedProceduresSeeTheirOwnModulePrivateNames() throws Exception {
    module("lib", "module lib { def secret = 41; export def get() { secret + 1; } }");
    assertThat(run("module t { import l = lib; print l.get(); }", dir)).isEqualTo("42\n");
  }

  @Test
  void proceduresAndModulesPrintAsWhatTheyAre() throws Exception {
    module("lib", "module lib { export def k = 1; }");
    assertThat(
            run("module t { import l = lib; def f(a, b) { a; } print f; print l; print *l; }", dir))
        .isEqualTo("<procedure f(a, b)>\n<module lib>\n<module lib>\n  k = 1\n");
  }

  @Test
  void recursionWithinTheLimitSucceeds() throws Exception {
    assertThat(runBody("def down(n) { if (n == 0) { 0; } else { down(n - 1); } } print down(150);"))
        .isEqualTo("0\n");
  }
}
