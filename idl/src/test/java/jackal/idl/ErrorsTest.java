package jackal.idl;

import static jackal.idl.TestSupport.error;
import static jackal.idl.TestSupport.errorOf;
import static jackal.idl.TestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code fixtures/errors} is malformed in one way; its first line says where and how:
 * {@code // expect LINE:COL: message}.
 */
class ErrorsTest {
  private static final Pattern EXPECT = Pattern.compile("// expect (\\d+):(\\d+): (.*)");

  static Stream<String> errorFixtures() throws IOException, URISyntaxException {
    Path dir = Path.of(ErrorsTest.class.getResource("/fixtures/errors").toURI());
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".idl")).sorted().toList();
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errorFixtures")
  void rejectedAtTheExactPlace(String name) {
    SourceFile src = fixture("errors/" + name);
    Matcher m = EXPECT.matcher(src.text().lines().findFirst().orElseThrow());
    assertThat(m.matches()).as("first line of %s says what to expect", name).isTrue();
    IdlException e = errorOf(List.of(src));
    assertThat(e.file()).isEqualTo(name);
    assertThat(e.detail()).isEqualTo(m.group(3));
    assertThat(e.line()).as("line").isEqualTo(Integer.parseInt(m.group(1)));
    assertThat(e.column()).as("column").isEqualTo(Integer.parseInt(m.group(2)));
    assertThat(e.getMessage())
        .isEqualTo(name + ":" + m.group(1) + ":" + m.group(2) + ": " + m.group(3));
  }

  @Test
  void thereAreManyDistinctErrors() throws Exception {
    assertThat(errorFixtures().count()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void duplicateAcrossFilesOfOnePackage() {
    IdlException e =
        errorOf(
            List.of(
                new SourceFile("One.idl", "package p;\ninterface A { };\n"),
                new SourceFile("Two.idl", "package p;\n\n  struct A { long x; };\n")));
    assertThat(e.getMessage())
        .isEqualTo(
            "Two.idl:3:10: duplicate declaration of 'A' in package p (first declared at One.idl:2:11)");
  }

  @Test
  void constantThatDependsOnItself() {
    assertThat(error("package p;\nconst long a = b + 1;\nconst long b = a;\n").getMessage())
        .isEqualTo("T.idl:2:12: constant 'a' depends on itself");
  }

  @Test
  void namesThatAreNotTheRightKind() {
    assertThat(error("package p;\ninterface A { void f(); };\nconst long k = A.f;\n").getMessage())
        .isEqualTo("T.idl:3:16: 'A.f' is a method, not a constant");
    assertThat(error("package p;\ntypedef long t;\ninterface A extends t { };\n").getMessage())
        .isEqualTo("T.idl:3:21: 't' is a typedef, not an interface");
    assertThat(error("package p;\ninterface A extends Nowhere { };\n").getMessage())
        .isEqualTo("T.idl:2:21: unknown interface 'Nowhere'");
  }

  @Test
  void boundsAndConstTypes() {
    assertThat(error("package p;\ntypedef sequence<char, 0> s;\n").getMessage())
        .isEqualTo("T.idl:2:24: the sequence bound must be between 1 and 2147483647, not 0");
    assertThat(error("package p;\ntypedef array<long, -2> s;\n").getMessage())
        .isEqualTo("T.idl:2:21: the array length must be between 1 and 2147483647, not -2");
    assertThat(error("package p;\nconst string s = 1;\n").getMessage())
        .isEqualTo(
            "T.idl:2:7: constant 's' must have an integer, boolean, char or enum type, not string");
    assertThat(error("package p;\nconst boolean b = 2;\n").getMessage())
        .isEqualTo(
            "T.idl:2:19: value 2 is out of range for constant 'b' of type boolean (true or false)");
    assertThat(error("package p;\nconst long s = 1 << 65;\n").getMessage())
        .isEqualTo("T.idl:2:18: shift count 65 is outside 0..64");
    assertThat(
            error("package p;\nstruct s { long x; } ; typedef sequence<sequence<char, 2>, 2> q;\n")
                .getMessage())
        .isEqualTo(
            "T.idl:2:63: a sequence cannot hold sequences or strings (sequence<sequence<char, 2>, 2>)");
    assertThat(error("package p;\nenum e { a = b, b };\n").getMessage())
        .isEqualTo("T.idl:2:14: 'b' is used before its value is known");
    assertThat(error("package p;\nlong enum e { a } ;\nconst long k = max(string);\n").getMessage())
        .isEqualTo("T.idl:3:20: max(...) needs an integer type, not string");
    assertThat(error("package p;\nstring enum e { a };\n").getMessage())
        .isEqualTo("T.idl:2:1: the base type of enum 'e' must be an integer type, not string");
  }

  @Test
  void aPackageAndADeclarationMayNotShareAName() {
    IdlException e =
        errorOf(
            List.of(
                new SourceFile("A.idl", "package p;\ninterface q { };\n"),
                new SourceFile("B.idl", "package p.q;\ninterface r { };\n")));
    assertThat(e.getMessage()).isEqualTo("A.idl:2:11: 'p.q' names both a package and an interface");
  }
}
