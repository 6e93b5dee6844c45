/**
 * The `relu-lab/boundaries` rule: every file belongs to a layer (a folder, or one file), and imports
 * only what its layer's allow-list names: project folders or files, and npm packages. Type-only
 * imports count too (a layer may allow some targets for types only). The layers themselves are
 * declared in eslint.config.js; docs/architecture.md explains them.
 *
 * Options: { root, docs, layers: [{ name, paths, imports, typeImports?, packages, typePackages? }],
 *            exceptions: [{ from, to, reason }] }
 * `paths`, `imports`, `from` and `to` are project-relative: a folder ends with "/", anything else
 * names one file (its extension may differ: `app-root.ts` matches an import of `app-root.js`).
 * A file belongs to the layer with the longest matching path. A layer may always import its own
 * paths. `packages` are npm package names; "node:" stands for Node's built-in modules.
 */
import path from 'node:path';
import { builtinModules } from 'node:module';

const NODE = 'node:';
const BUILTINS = new Set(builtinModules);

const withoutExtension = (p) => p.replace(/\.(?:d\.)?[cm]?[jt]sx?$/, '');

/** Whether a project-relative path lies under a folder entry or is a file entry. */
export function matches(entry, relative) {
  return entry.endsWith('/') ? relative.startsWith(entry) : withoutExtension(relative) === withoutExtension(entry);
}

/** The layer a project-relative file belongs to (the longest matching path), or null. */
export function layerOf(layers, relative) {
  let best = null;
  let bestLength = -1;
  for (const layer of layers) {
    for (const entry of layer.paths) {
      if (matches(entry, relative) && entry.length > bestLength) {
        best = layer;
        bestLength = entry.length;
      }
    }
  }
  return best;
}

/** `node:` for Node's built-in modules, else the npm package a bare specifier names (`@scope/name`, `name`). */
export function packageOf(specifier) {
  if (specifier.startsWith('node:')) return NODE;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? NODE : name;
}

function staticString(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  // typescript-eslint before 6 wrapped `import('x')` types in a literal type.
  if (node.type === 'TSLiteralType') return staticString(node.literal);
  return null;
}

const isTypeOnly = (kind, specifiers) => kind === 'type' || (specifiers.length > 0 && specifiers.every((s) => (s.importKind ?? s.exportKind) === 'type'));

function list(items, none) {
  return items.length === 0 ? none : items.map((i) => (i === NODE ? 'node:*' : i)).join(', ');
}

/** @type {import('eslint').Rule.RuleModule} */
export const boundariesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only what its layer allows (see docs/architecture.md)' },
    schema: false,
    messages: {
      project: '{{layer}} may import only {{allowed}}, not {{target}}; see {{docs}}',
      package: '{{layer}} may use {{allowed}}, not the package {{target}}; see {{docs}}',
      outside: '{{layer}} imports {{target}}, outside the project; see {{docs}}',
      noLayer: 'eslint.config.js declares no layer for {{file}}: add it to LAYERS with what it may import; see {{docs}}',
    },
  },
  create(context) {
    const { root, docs = 'docs/architecture.md', layers, exceptions = [] } = context.options[0] ?? {};
    const file = context.physicalFilename ?? context.filename;
    const relativeFile = path.relative(root, file).split(path.sep).join('/');
    if (relativeFile.startsWith('..') || path.isAbsolute(relativeFile)) return {};
    const layer = layerOf(layers, relativeFile);
    if (!layer) {
      return {
        Program(node) {
          context.report({ node, messageId: 'noLayer', data: { file: relativeFile, docs } });
        },
      };
    }

    const check = (node, specifier, typeOnly) => {
      if (specifier === null) return;
      if (specifier.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
        if (target.startsWith('..') || path.isAbsolute(target)) {
          context.report({ node, messageId: 'outside', data: { layer: layer.name, target: specifier, docs } });
          return;
        }
        const allowed = [...layer.paths, ...layer.imports, ...(typeOnly ? (layer.typeImports ?? []) : [])];
        if (allowed.some((entry) => matches(entry, target))) return;
        if (exceptions.some((e) => relativeFile.startsWith(e.from) && matches(e.to, target))) return;
        const notes = [layer.paths.some((p) => p.endsWith('/')) ? 'besides its own files' : '', layer.typeImports?.length ? `types also from ${list(layer.typeImports)}` : ''].filter(Boolean);
        const allowedText = list(layer.imports, 'nothing of the project') + (notes.length ? ` (${notes.join('; ')})` : '');
        context.report({ node, messageId: 'project', data: { layer: layer.name, allowed: allowedText, target, docs } });
        return;
      }
      if (specifier.startsWith('/')) {
        context.report({ node, messageId: 'outside', data: { layer: layer.name, target: specifier, docs } });
        return;
      }
      if (/^[a-z][a-z0-9+.-]+:/i.test(specifier) && !specifier.startsWith('node:')) return; // a URL: not a module
      const name = packageOf(specifier);
      const packages = [...layer.packages, ...(typeOnly ? (layer.typePackages ?? []) : [])];
      if (packages.includes(name)) return;
      const types = layer.typePackages?.length ? ` (types also from ${list(layer.typePackages)})` : '';
      const allowed = layer.packages.length === 0 ? 'no package' : `only the package${layer.packages.length > 1 ? 's' : ''} ${list(layer.packages)}`;
      context.report({ node, messageId: 'package', data: { layer: layer.name, allowed: allowed + types, target: name === NODE ? `${specifier} (Node)` : name, docs } });
    };

    return {
      ImportDeclaration(node) {
        check(node.source, staticString(node.source), isTypeOnly(node.importKind, node.specifiers));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node.source, staticString(node.source), isTypeOnly(node.exportKind, node.specifiers));
      },
      ExportAllDeclaration(node) {
        check(node.source, staticString(node.source), node.exportKind === 'type');
      },
      ImportExpression(node) {
        check(node.source, staticString(node.source), false);
      },
      TSImportType(node) {
        const source = node.source ?? node.argument;
        check(source, staticString(source), true);
      },
      TSExternalModuleReference(node) {
        check(node.expression, staticString(node.expression), node.parent?.importKind === 'type');
      },
      CallExpression(node) {
        // require('x') and require.resolve('x'), also through a createRequire()d `require`.
        const callee = node.callee;
        const isRequire =
          (callee.type === 'Identifier' && callee.name === 'require') ||
          (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'require' && !callee.computed && callee.property.name === 'resolve');
        if (isRequire && node.arguments.length > 0) check(node.arguments[0], staticString(node.arguments[0]), false);
      },
    };
  },
};

export default { meta: { name: 'relu-lab' }, rules: { boundaries: boundariesRule } };
