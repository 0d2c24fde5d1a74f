import { SelError } from '../errors';
import { numRank, toNumber } from '../numeric';
import { JDouble, type Value, javaDouble, javaString, kindOf } from '../values';

const SPEC = /%(\d+\$)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/g;

/** java.lang.String.format for the common conversions: s S d f e x X b c n %. */
export function javaFormat(fmt: string, args: Value[], maxLen: number): string {
  let next = 0;
  let out = '';
  let last = 0;
  SPEC.lastIndex = 0;
  for (let mt = SPEC.exec(fmt); mt; mt = SPEC.exec(fmt)) {
    out += fmt.slice(last, mt.index);
    last = mt.index + mt[0].length;
    const [, posArg, flags, widthS, precS, conv] = mt;
    if (conv === '%') {
      out += '%';
      continue;
    }
    if (conv === 'n') {
      out += '\n';
      continue;
    }
    const width = widthS ? Number(widthS) : 0;
    if (width > maxLen) throw new SelError('LIMIT_STRING', `format width ${width} exceeds ${maxLen}`);
    const prec = precS ? Number(precS.slice(1)) : -1;
    if (prec > 100) throw new SelError('RUNTIME', `format precision ${prec} is too large`);
    const idx = posArg ? Number(posArg.slice(0, -1)) - 1 : next++;
    if (idx < 0 || idx >= args.length) {
      throw new SelError('RUNTIME', `MissingFormatArgumentException: Format specifier '${mt[0]}'`);
    }
    const a = args[idx];
    let s: string;
    switch (conv) {
      case 's':
      case 'S':
        s = javaString(a);
        if (prec >= 0) s = s.slice(0, prec);
        if (conv === 'S') s = s.toUpperCase();
        break;
      case 'b':
      case 'B':
        s = a === null ? 'false' : typeof a === 'boolean' ? String(a) : 'true';
        break;
      case 'c':
        s =
          typeof a === 'string'
            ? a.slice(0, 1)
            : typeof a === 'number'
              ? String.fromCharCode(a & 0xffff)
              : bad(mt[0], a);
        break;
      case 'd': {
        const r = numRank(a);
        if (r !== 0 && r !== 1) bad(mt[0], a);
        s = String(a);
        if (flags.includes(',')) s = group(s);
        if (flags.includes('+') && !s.startsWith('-')) s = `+${s}`;
        break;
      }
      case 'x':
      case 'X': {
        const r = numRank(a);
        if (r === 0) s = ((a as number) >>> 0).toString(16);
        else if (r === 1) s = BigInt.asUintN(64, a as bigint).toString(16);
        else s = bad(mt[0], a);
        if (conv === 'X') s = s.toUpperCase();
        break;
      }
      case 'f':
      case 'e':
      case 'E': {
        if (!(a instanceof JDouble) && numRank(a) < 0) bad(mt[0], a);
        if (!(a instanceof JDouble)) bad(mt[0], a);
        const d = toNumber(a);
        const p = prec < 0 ? 6 : prec;
        if (!Number.isFinite(d)) s = javaDouble(d);
        else if (conv === 'f') s = d.toFixed(Math.min(p, 100));
        else {
          const [mm, ee] = d.toExponential(Math.min(p, 100)).split('e');
          const en = Number(ee);
          s = `${mm}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
          if (conv === 'E') s = s.toUpperCase();
        }
        if (flags.includes(',')) {
          const [ip, fp] = s.split('.');
          s = fp === undefined ? group(ip) : `${group(ip)}.${fp}`;
        }
        if (flags.includes('+') && !s.startsWith('-')) s = `+${s}`;
        break;
      }
      default:
        throw new SelError('RUNTIME', `UnknownFormatConversionException: Conversion = '${conv}'`);
    }
    if (s.length < width) {
      if (flags.includes('-')) s = s.padEnd(width);
      else if (flags.includes('0') && /[dxXfeE]/.test(conv)) {
        const neg = s.startsWith('-') || s.startsWith('+');
        s = neg ? s[0] + s.slice(1).padStart(width - 1, '0') : s.padStart(width, '0');
      } else s = s.padStart(width);
    }
    out += s;
    if (out.length > maxLen)
      throw new SelError('LIMIT_STRING', `formatted string exceeds ${maxLen} characters`);
  }
  out += fmt.slice(last);
  return out;
}

function group(s: string): string {
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  const g = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${g}` : g;
}

function bad(spec: string, a: Value): never {
  throw new SelError('RUNTIME', `IllegalFormatConversionException: ${spec} != ${kindOf(a)}`);
}
