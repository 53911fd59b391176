module jackal.runtime {
    requires transitive jackal.kernel;
    exports jackal.runtime;
}
