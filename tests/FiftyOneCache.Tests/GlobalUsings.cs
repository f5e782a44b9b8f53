// Types shared by the whole engine (ErrorKind, Sizes) live in its root namespace.
global using FiftyOneCache.Engine;
