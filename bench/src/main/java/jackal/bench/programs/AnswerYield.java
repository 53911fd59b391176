package jackal.bench.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.constructor.Yield;

/**
 * The yield of {@code constructor.create}: the smallest program a constructor can build that does
 * what every yield does, answer its creator with an Entry capability to itself, then wait for
 * requests.
 */
public final class AnswerYield implements ProgramEntry {
  public AnswerYield() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    Yield.answerCreator(ipc, 0, CapReg.APP0);
    for (; ; ) {
      ipc.receive();
    }
  }
}
