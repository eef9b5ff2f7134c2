#!/usr/bin/env python3
"""A/B runs of a few server jars, for a before/after figure that ./lesson bench cannot make (it
measures the lessons of this tree only). Same method as the benchmark: each run a fresh server
pinned to CPU 1, lesson 34's LoadGenerator pinned to CPU 0, rounds interleaved in a new random
order each, closed loop. Build lesson 34 first (./lesson bench --help does). Usage:

  python3 step34-bench/ab.py --rounds 3 --scenario "CONNECTIONS DEPTH SIZE" NAME=JAR[,ARG...] ... [NAME=netty,nio]
"""
import subprocess, sys, time, random, re, os, argparse, statistics
ap=argparse.ArgumentParser()
ap.add_argument('--rounds',type=int,default=3)
ap.add_argument('--scenario',default='4 4 65536')
ap.add_argument('--warmup',default='2'); ap.add_argument('--duration',default='5')
ap.add_argument('--java',default='java')
ap.add_argument('servers',nargs='+')
a=ap.parse_args()
here=os.path.dirname(os.path.abspath(__file__))
cp=here+'/target/classes:'+here+'/target/bench-lib/*'
C,D,S=a.scenario.split()
res={}
def cpu(pid):
    f=open('/proc/%d/stat'%pid).read().rsplit(')',1)[1].split()
    return (int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK')
for r in range(a.rounds):
    order=a.servers[:]; random.shuffle(order)
    for spec in order:
        name,rest=spec.split('=',1); parts=rest.split(',')
        jar,extra=parts[0],parts[1:]
        if jar=='netty':
            cmd=['taskset','-c','1',a.java,'-Xms512m','-Xmx512m','-cp',cp,'course.reactor.bench.NettyEchoServer','127.0.0.1','0',extra[0]]
        elif jar.endswith('.jar'):
            cmd=['taskset','-c','1',a.java,'-Xms512m','-Xmx512m','-jar',jar,'127.0.0.1','0']+extra
        else:
            cmd=['taskset','-c','1',jar,'127.0.0.1','0']+extra
        p=subprocess.Popen(cmd,stdout=subprocess.PIPE,stderr=subprocess.DEVNULL,text=True)
        line=p.stdout.readline(); port=int(line.strip().rsplit(':',1)[1])
        t0=time.time()
        g=subprocess.Popen(['taskset','-c','0','java','-cp',cp,'course.reactor.bench.LoadGenerator','127.0.0.1',str(port),
            '--connections',C,'--depth',D,'--size',S,'--warmup',a.warmup,'--duration',a.duration],stdout=subprocess.PIPE,text=True)
        time.sleep(float(a.warmup)); c0=cpu(p.pid)
        out=g.communicate()[0]; c1=cpu(p.pid)
        p.kill(); p.wait()
        m=dict(re.findall(r'(\w+)=([\d.]+)',out))
        msgs=float(m['msgs_per_s'])
        res.setdefault(name,[]).append((msgs,float(m['p50_us']),float(m['p99_us']),float(m['p999_us']),int(m['errors']),(c1-c0)*1e6/(msgs*float(a.duration))))
        print('round',r+1,name,out.strip(),'cpu_us/msg=%.2f'%res[name][-1][5],flush=True)
print('\n| server | msgs/s | spread | p50 | p99 | p99.9 | cpu us/msg | errors |')
for name in [s.split('=')[0] for s in a.servers]:
    v=res[name]; ms=[x[0] for x in v]
    print('| %s | %.0f | %.0f-%.0f | %.0f | %.0f | %.0f | %.2f | %d |'%(name,statistics.mean(ms),min(ms),max(ms),
        statistics.mean(x[1] for x in v),statistics.mean(x[2] for x in v),statistics.mean(x[3] for x in v),statistics.mean(x[5] for x in v),sum(x[4] for x in v)))
