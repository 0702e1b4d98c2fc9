package io.gantry.shell;

import io.gantry.api.client.ApiResource;
import io.gantry.api.client.DynamicClient;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes resource names with every kind the API serves, by plural and short name. */
@Service
public class ResourceCompleter implements Completer {

    @Reference
    DynamicClient api;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (ApiResource resource : api.resources()) {
            names.getStrings().add(resource.plural());
            names.getStrings().addAll(resource.shortNames());
        }
        return names.complete(session, commandLine, candidates);
    }
}
