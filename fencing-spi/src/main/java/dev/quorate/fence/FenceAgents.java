package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import dev.quorate.lock.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the {@link FenceAgent} for a device's agent name: first among agents registered with {@link
 * ServiceLoader} or given explicitly, then as a fence-agents program ({@code fence_*}) in the given
 * directories, adapted with {@link FenceAgent#exec}. Immutable and thread-safe.
 *
 * <pre>{@code
 * FenceAgents agents = FenceAgents.load(); // ServiceLoader, then /usr/sbin, /sbin, /usr/local/sbin
 * FenceAgent agent = agents.agent("fence_ipmilan");
 * }</pre>
 */
public final class FenceAgents {
  /** Where distributions install fence-agents programs. */
  public static final List<Path> DEFAULT_PROGRAM_DIRECTORIES =
      List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/local/sbin"));

  private final Map<String, FenceAgent> registered;
  private final List<Path> programDirectories;

  private FenceAgents(Map<String, FenceAgent> registered, List<Path> programDirectories) {
    this.registered = Map.copyOf(registered);
    this.programDirectories = List.copyOf(programDirectories);
  }

  /**
   * Loads agents with the context class loader's {@link ServiceLoader} and looks for programs in
   * {@link #DEFAULT_PROGRAM_DIRECTORIES}.
   *
   * @return the registry
   * @throws ConfigurationException if two loaded agents have the same name
   */
  public static FenceAgents load() {
    return load(Thread.currentThread().getContextClassLoader(), DEFAULT_PROGRAM_DIRECTORIES);
  }

  /**
   * Loads agents with a class loader's {@link ServiceLoader} and looks for programs in the given
   * directories.
   *
   * @param loader the class loader to search
   * @param programDirectories where to look for {@code fence_*} programs, in order
   * @return the registry
   * @throws ConfigurationException if two loaded agents have the same name
   */
  public static FenceAgents load(ClassLoader loader, List<Path> programDirectories) {
    Map<String, FenceAgent> found = new LinkedHashMap<>();
    for (FenceAgent agent : ServiceLoader.load(FenceAgent.class, loader)) {
      put(found, agent);
    }
    return new FenceAgents(found, programDirectories);
  }

  /**
   * Creates a registry of exactly the given agents, with no program lookup.
   *
   * @param agents the agents
   * @return the registry
   * @throws ConfigurationException if two agents have the same name
   */
  public static FenceAgents of(FenceAgent... agents) {
    Map<String, FenceAgent> found = new LinkedHashMap<>();
    for (FenceAgent agent : agents) {
      put(found, agent);
    }
    return new FenceAgents(found, List.of());
  }

  private static void put(Map<String, FenceAgent> found, FenceAgent agent) {
    FenceAgent before = found.putIfAbsent(agent.name(), agent);
    if (before != null) {
      throw new ConfigurationException(
          "two fence agents are named '"
              + agent.name()
              + "': "
              + before.getClass().getName()
              + " and "
              + agent.getClass().getName());
    }
  }

  /**
   * Returns the names of the registered (not program) agents.
   *
   * @return the names, in load order
   */
  public List<String> registeredNames() {
    return List.copyOf(registered.keySet());
  }

  /**
   * Finds the agent with a name.
   *
   * @param name the agent name, such as {@code fence_virsh}
   * @return the agent
   * @throws ConfigurationException if no registered agent and no executable program has that name;
   *     the message lists where it looked
   */
  public FenceAgent agent(String name) {
    FenceAgent agent = registered.get(OptionRules.checkAgentName(name));
    if (agent != null) {
      return agent;
    }
    for (Path dir : programDirectories) {
      Path program = dir.resolve(name);
      if (Files.isRegularFile(program) && Files.isExecutable(program)) {
        return FenceAgent.exec(name, program);
      }
    }
    throw new ConfigurationException(
        "no fence agent named '"
            + name
            + "': not registered (registered: "
            + registered.keySet()
            + ") and no executable program in "
            + programDirectories
            + "; install the package that ships it (fence_* programs come with fence-agents)");
  }
}
