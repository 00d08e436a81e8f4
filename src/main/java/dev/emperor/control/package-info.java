/**
 * The operator's commands as one interface, {@link dev.emperor.control.EmperorCommands}: the
 * command socket and HTTP control depend on it and not on the event loop, so neither can reach the
 * vassal table except by posting work to the loop. It depends on {@code core} only for the
 * command and result types ({@link dev.emperor.core.Control}); {@code PackageRulesTest} checks
 * that it imports nothing else of ours.
 */
package dev.emperor.control;
