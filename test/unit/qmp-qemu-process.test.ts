import { describe, expect, it } from 'vitest';

import { assessKvmHost, buildQemuArgs, escapeQemuOptionValue, type KvmHostFacts } from '../../migration-hook/qemu-process.js';

const base = { name: 'src', memMiB: 256, qmpSocketPath: '/tmp/x/src.qmp', accel: 'tcg' as const };

describe('buildQemuArgs', () => {
  it('builds the minimal guest-less VM', () => {
    expect(buildQemuArgs(base)).toEqual([
      '-name', 'src',
      '-machine', 'q35',
      '-accel', 'tcg',
      '-m', '256M',
      '-nodefaults',
      '-display', 'none',
      '-qmp', 'unix:/tmp/x/src.qmp,server=on,wait=off',
    ]);
  });

  it('adds the balloon device (with an iothread for free-page-hint), -incoming defer and extra args in order', () => {
    const args = buildQemuArgs({
      ...base,
      accel: 'kvm',
      balloon: { freePageHint: true, freePageReporting: true },
      incomingDefer: true,
      extraArgs: ['-cpu', 'max'],
    });
    expect(args.slice(args.indexOf('-accel'), args.indexOf('-accel') + 2)).toEqual(['-accel', 'kvm']);
    expect(args.slice(-8)).toEqual([
      '-object', 'iothread,id=balloon0-iothread',
      '-device', 'virtio-balloon-pci,id=balloon0,free-page-hint=on,iothread=balloon0-iothread,free-page-reporting=on',
      '-incoming', 'defer',
      '-cpu', 'max',
    ]);
    expect(buildQemuArgs({ ...base, balloon: true })).toContain('virtio-balloon-pci,id=balloon0');
    expect(buildQemuArgs({ ...base, balloon: false })).not.toContain('-device');
  });

  it('escapes commas in option values', () => {
    expect(escapeQemuOptionValue('a,b,,c')).toBe('a,,b,,,,c');
    expect(buildQemuArgs({ ...base, qmpSocketPath: '/tmp/a,b.qmp' })).toContain('unix:/tmp/a,,b.qmp,server=on,wait=off');
  });

  it('rejects invalid memory sizes, names and socket paths', () => {
    expect(() => buildQemuArgs({ ...base, memMiB: 0 })).toThrow(RangeError);
    expect(() => buildQemuArgs({ ...base, memMiB: 1.5 })).toThrow(RangeError);
    expect(() => buildQemuArgs({ ...base, name: '' })).toThrow(TypeError);
    expect(() => buildQemuArgs({ ...base, qmpSocketPath: '/tmp/' + 'x'.repeat(120) })).toThrow(/107/);
  });
});

describe('assessKvmHost', () => {
  const realKvm: KvmHostFacts = {
    platform: 'linux',
    arch: 'x64',
    devKvmAccessible: true,
    cpuFlags: new Set(['fpu', 'vmx', 'sse2']),
    kvmModules: ['kvm', 'kvm_intel'],
  };

  it('accepts a host with vmx/svm and kvm_intel/kvm_amd', () => {
    expect(assessKvmHost(realKvm).usable).toBe(true);
    expect(assessKvmHost({ ...realKvm, cpuFlags: new Set(['svm']), kvmModules: ['kvm', 'kvm_amd'] }).usable).toBe(true);
  });

  it('rejects the lab machines: /dev/kvm from kvm_pvm, no vmx/svm (vm-lab README)', () => {
    const lab: KvmHostFacts = { ...realKvm, cpuFlags: new Set(['fpu', 'hypervisor']), kvmModules: ['kvm', 'kvm_pvm'] };
    const v = assessKvmHost(lab);
    expect(v.usable).toBe(false);
    expect(v.reason).toMatch(/kvm_pvm/);
  });

  it('rejects hosts without access, without hardware virtualisation, or not x86-64 Linux', () => {
    expect(assessKvmHost({ ...realKvm, devKvmAccessible: false }).reason).toMatch(/\/dev\/kvm/);
    expect(assessKvmHost({ ...realKvm, cpuFlags: new Set() }).reason).toMatch(/vmx\/svm/);
    expect(assessKvmHost({ ...realKvm, kvmModules: ['kvm'] }).reason).toMatch(/kvm_intel/);
    expect(assessKvmHost({ ...realKvm, arch: 'arm64' }).usable).toBe(false);
    expect(assessKvmHost({ ...realKvm, platform: 'darwin' }).usable).toBe(false);
  });
});
