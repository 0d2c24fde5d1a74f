import type { Command, Option } from 'commander';
import { CliUsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';

/** One command path of the tree (`[]` is baton itself): its subcommands and its flags. */
interface Node {
  path: string[];
  subcommands: { name: string; description: string }[];
  flags: { long: string; short?: string; description: string; takesValue: boolean; choices?: string[] }[];
}

/** Every command path of the program, from commander's own tree (so completion cannot drift). */
export function commandTree(program: Command): Node[] {
  const nodes: Node[] = [];
  const visit = (cmd: Command, path: string[], inherited: readonly Option[]) => {
    const options = [...inherited, ...cmd.options];
    nodes.push({
      path,
      subcommands: cmd.commands.map((c) => ({ name: c.name(), description: c.description() })),
      flags: [
        ...options.map((o) => ({
          long: o.long ?? '',
          ...(o.short ? { short: o.short } : {}),
          description: o.description,
          takesValue: o.required || o.optional,
          ...(o.argChoices ? { choices: o.argChoices } : {}),
        })),
        { long: '--help', short: '-h', description: 'display help', takesValue: false },
      ].filter((f) => f.long !== ''),
    });
    for (const c of cmd.commands) visit(c, [...path, c.name()], path.length === 0 ? cmd.options : inherited);
  };
  visit(program, [], []);
  return nodes;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Bash: the words typed so far pick the deepest command path; then a word starting with `-`
 * completes flags, the word after a flag with fixed choices completes them, else subcommands.
 */
export function bashCompletion(nodes: Node[]): string {
  const cases = nodes
    .map((n) => {
      const flags = n.flags.flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]).join(' ');
      const subs = n.subcommands.map((s) => s.name).join(' ');
      return `    ${quote(n.path.join(' '))}) subs=${quote(subs)}; flags=${quote(flags)} ;;`;
    })
    .join('\n');
  const valued = [...new Set(nodes.flatMap((n) => n.flags.filter((f) => f.takesValue)))]
    .flatMap((f) => [f.long, ...(f.short ? [f.short] : [])])
    .filter((v, i, a) => a.indexOf(v) === i);
  const choices = nodes
    .flatMap((n) => n.flags.filter((f) => f.choices))
    .filter((f, i, a) => a.findIndex((g) => g.long === f.long) === i)
    .map(
      (f) =>
        `    ${[f.long, f.short].filter(Boolean).join('|')}) COMPREPLY=($(compgen -W ${quote(f.choices!.join(' '))} -- "$cur")); return ;;`,
    )
    .join('\n');
  return `# bash completion for baton: source it, or save it as
#   ~/.local/share/bash-completion/completions/baton
_baton() {
  local cur prev path word i subs flags
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${choices}
  esac
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      -*) ;;
      *)
        if _baton_node "\${path:+$path }$word"; then path="\${path:+$path }$word"; fi ;;
    esac
  done
  _baton_node "$path"
  case "$prev" in
    ${valued.join('|')}) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
_baton_node() {
  case "$1" in
${cases}
    *) return 1 ;;
  esac
  return 0
}
complete -F _baton baton
`;
}

/** Zsh: the same table, answered with compadd (descriptions on subcommands). */
export function zshCompletion(nodes: Node[]): string {
  const cases = nodes
    .map((n) => {
      const subs = n.subcommands
        .map((s) => quote(`${s.name}:${s.description.replace(/:/g, '\\:')}`))
        .join(' ');
      const flags = n.flags.flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]).join(' ');
      return `    ${quote(n.path.join(' '))}) subs=(${subs}); flags=(${flags}) ;;`;
    })
    .join('\n');
  const choices = nodes
    .flatMap((n) => n.flags.filter((f) => f.choices))
    .filter((f, i, a) => a.findIndex((g) => g.long === f.long) === i)
    .map(
      (f) =>
        `    ${[f.long, f.short].filter(Boolean).join('|')}) compadd -- ${f.choices!.join(' ')}; return ;;`,
    )
    .join('\n');
  return `#compdef baton
# zsh completion for baton: save it as _baton in a folder of $fpath (then compinit),
# or source it after compinit.
_baton() {
  local -a subs flags
  local cpath="" word i
  case "\${words[CURRENT-1]}" in
${choices}
  esac
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    _baton_node "\${cpath:+$cpath }$word" && cpath="\${cpath:+$cpath }$word"
  done
  _baton_node "$cpath"
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- $flags
  else
    _describe 'command' subs
  fi
}
_baton_node() {
  case "$1" in
${cases}
    *) return 1 ;;
  esac
  return 0
}
compdef _baton baton 2>/dev/null || true
`;
}

/** Fish: one `complete` line per subcommand and flag, conditioned on the path typed so far. */
export function fishCompletion(nodes: Node[]): string {
  const lines = ['# fish completion for baton: save it as ~/.config/fish/completions/baton.fish'];
  lines.push(
    'function __baton_path_is',
    '  set -l words (commandline -opc)',
    '  set -e words[1]',
    '  set -l path',
    '  for w in $words',
    '    string match -q -- "-*" $w; and continue',
    '    set -a path $w',
    '  end',
    '  test "$path" = "$argv"',
    'end',
  );
  for (const n of nodes) {
    const cond = quote(`__baton_path_is ${n.path.join(' ')}`.trimEnd());
    for (const s of n.subcommands)
      lines.push(`complete -c baton -f -n ${cond} -a ${quote(s.name)} -d ${quote(s.description)}`);
    for (const f of n.flags) {
      const short = f.short ? ` -s ${f.short.slice(1)}` : '';
      const value = f.choices ? ` -xa ${quote(f.choices.join(' '))}` : f.takesValue ? ' -r' : '';
      lines.push(
        `complete -c baton -n ${cond} -l ${f.long.slice(2)}${short}${value} -d ${quote(f.description)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function registerCompletionCommands(program: Command, ctx: () => CommandContext): void {
  program
    .command('completion <shell>')
    .description(
      `print a shell completion script: ${SHELLS.join(', ')} (e.g. source <(baton completion bash))`,
    )
    .action((shell: string) => {
      const nodes = commandTree(program);
      const make = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion }[shell];
      if (!make) throw new CliUsageError(`completion: expected one of ${SHELLS.join(', ')}, got ${shell}`);
      ctx().io.stdout.write(make(nodes));
    });
}
